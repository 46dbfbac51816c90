/* Lanxi dashboard: fetches /api/v1 and draws tables (DOM), charts (ECharts) and maps (Leaflet).
   No inline scripts (the pages' CSP forbids them); messages come from the page's i18n block. */
(function () {
  "use strict";
  var M = JSON.parse(document.getElementById("i18n").textContent);
  function t(k) { return Object.prototype.hasOwnProperty.call(M, k) ? M[k] : k; }
  var CSRF = document.getElementById("csrf").value;
  var API = "/api/v1";

  function api(path, params) {
    var url = API + path;
    if (params) {
      var q = new URLSearchParams();
      Object.keys(params).forEach(function (k) {
        if (params[k] !== null && params[k] !== undefined && params[k] !== "") q.append(k, params[k]);
      });
      url += "?" + q.toString();
    }
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw body;
        return body;
      });
    });
  }
  /* every row of a list route, page by page (the API pages at 1,000 rows: never truncate) */
  function apiAll(path, params) {
    var rows = [];
    function next(offset) {
      return api(path, Object.assign({}, params, { limit: 1000, offset: offset })).then(function (p) {
        rows = rows.concat(p.items);
        return rows.length < p.total && p.items.length ? next(rows.length) : { total: p.total, items: rows };
      });
    }
    return next(0);
  }
  function post(path, body) {
    return fetch(API + path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": CSRF },
      body: JSON.stringify(body),
    }).then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); });
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function fmt(v, digits) {
    if (v === null || v === undefined || v === "") return "";
    /* with digits given, always that many (91.0 %, as the reports print it) */
    if (typeof v === "number") return digits !== undefined ? v.toFixed(digits) : (Number.isInteger(v) ? String(v) : v.toFixed(2));
    if (typeof v === "boolean") return v ? t("answer_yes") : t("answer_no");
    return String(v);
  }
  /* cols: [[key, label, render?]] */
  function table(target, rows, cols) {
    var box = typeof target === "string" ? document.getElementById(target) : target;
    if (!box) return;
    box.textContent = "";
    if (!rows || !rows.length) { box.appendChild(el("p", {}, t("no_data"))); return; }
    var tb = el("table"), thead = el("thead"), tr = el("tr");
    cols.forEach(function (c) { tr.appendChild(el("th", { scope: "col" }, c[1])); });
    thead.appendChild(tr); tb.appendChild(thead);
    var body = el("tbody");
    rows.forEach(function (r) {
      var row = el("tr");
      cols.forEach(function (c) {
        var td = el("td");
        var v = c[2] ? c[2](r) : fmt(r[c[0]]);
        if (v instanceof Node) td.appendChild(v); else td.textContent = v;
        row.appendChild(td);
      });
      body.appendChild(row);
    });
    tb.appendChild(body); box.appendChild(tb);
  }
  /* the status words come with the record (status_zh / status_en: one table for every surface) */
  function statusBadge(r) {
    var words = document.body.dataset.lang === "en" ? r.status_en : r.status_zh;
    return el("span", { "class": "badge " + r.status }, (words || t("status_" + r.status)) + (r.nature_zh && document.body.dataset.lang !== "en" ? "（" + r.nature_zh + "）" : ""));
  }
  function withSyn(text, syn) {
    var s = el("span", {}, text);
    if (syn) s.appendChild(el("span", { "class": "syn" }, "(" + t("synthetic") + ")"));
    return s;
  }
  function showError(box, err) {
    var b = typeof box === "string" ? document.getElementById(box) : box;
    if (!b) return;
    b.textContent = (err && err.error && err.error.message) || String(err);
  }
  function map(id) {
    var m = L.map(id, { attributionControl: false, zoomSnap: 0.25, keyboard: true });
    m.setView([36.3, 102.6], 7);  // the agglomeration; a view must exist before vector layers
    m.getContainer().setAttribute("tabindex", "0");
    return m;
  }
  var boundaries = {};
  function layer(level) {
    if (!boundaries[level]) boundaries[level] = api("/regions/boundaries", { level: level });
    return boundaries[level];
  }
  function chart(id) {
    var e = document.getElementById(id);
    var c = echarts.init(e, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }

  /* ---------------------------------------------------------------- overview */
  function overview() {
    Promise.all([layer("county"), api("/groups"), apiAll("/regions", {})]).then(function (res) {
      var fc = res[0], groups = {}, regions = {};
      res[1].items.forEach(function (g) { groups[g.id] = g.members.map(function (m) { return m.code; }); });
      res[2].items.forEach(function (r) { regions[r.code] = r; });
      function inGroup(code, gid) {
        var members = groups[gid] || [], r = regions[code] || {};
        return members.indexOf(code) >= 0 || members.indexOf(r.parent_code) >= 0;
      }
      var m = map("overview-map");
      var g = L.geoJSON(fc, {
        style: function (f) {
          var c = f.properties.code;
          var fill = inGroup(c, "lanzhou_baiyin_metro") ? "#d9534f" : inGroup(c, "xining_haidong_metro") ? "#2a7ab9" : "#c7d0d9";
          var belt = inGroup(c, "lanxi_belt");
          return { color: belt ? "#f0ad4e" : "#666", weight: belt ? 3 : 0.8, fillColor: fill, fillOpacity: 0.6 };
        },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name + " " + f.properties.code); },
      }).addTo(m);
      (groups.node_cities || []).forEach(function (code) {
        var r = regions[code];
        if (r && r.lat) L.circleMarker([r.lat, r.lon], { radius: 7, color: "#fff", weight: 2, fillColor: "#6f42c1", fillOpacity: 1 })
          .bindTooltip(r.name).addTo(m);
      });
      m.fitBounds(g.getBounds());
    }).catch(function (e) { showError("overview-map", e); });
    api("/progress", { limit: 30 }).then(function (p) {
      table("targets", p.items, [
        ["indicator_name", t("col_indicator"), function (r) { return r.name; }],
        ["region_name", t("col_region")],
        ["latest_value", t("col_latest"), function (r) { return withSyn(fmt(r.latest_value) + " " + (r.unit || "") + " (" + (r.latest_period || "") + ")", r.synthetic); }],
        ["target_value", t("col_target"), function (r) { return (r.comparison === "ge" ? "≥ " : r.comparison === "le" ? "≤ " : "") + fmt(r.target_value) + " (" + r.target_year + ")"; }],
        ["status", t("col_status"), function (r) { return statusBadge(r); }],
      ]);
    }).catch(function (e) { showError("targets", e); });
    api("/tasks/status", { overdue: "true", limit: 10 }).then(function (p) {
      document.getElementById("overdue-count").textContent = p.total;
      table("overdue", p.items, [
        ["task_id", t("col_task"), function (r) { return r.task_id + " " + r.title; }],
        ["agency_name", t("col_agency")],
        ["progress", t("col_progress"), function (r) { return withSyn(fmt(r.progress) + " " + fmt(r.percent, 0) + "%", r.synthetic); }],
      ]);
    }).catch(function (e) { showError("overdue", e); });
    apiAll("/water/monthly", {}).then(function (p) {
      var ok = p.items.filter(function (s) { return s.meets_target; }).length;
      var month = p.items.length ? p.items[0].period : "";
      document.getElementById("water-summary").textContent = month + ": " + ok + " / " + p.total + " " + t("sections_meeting");
    }).catch(function (e) { showError("water-summary", e); });
    api("/air/annual", { level: "city" }).then(function (p) {
      table("air-summary", p.items, [
        ["unit", t("col_city")],
        ["good_days_ratio", t("col_good_ratio"), function (r) { return fmt(100 * r.good_days_ratio, 1) + "%"; }],
        ["edition", t("col_edition"), function (r) { return "HJ 633-" + r.edition; }],
      ]);
    }).catch(function (e) { showError("air-summary", e); });
  }

  /* -------------------------------------------------------------- indicators */
  function indicators() {
    var sel = document.getElementById("indicator"), rsel = document.getElementById("region");
    var params = new URLSearchParams(location.search);
    var seriesChart = chart("series-chart"), choro = map("choro-map"), choroLayer = null;
    Promise.all([apiAll("/indicators", {}), apiAll("/regions", {}), layer("county")]).then(function (res) {
      res[0].items.forEach(function (i) { sel.appendChild(el("option", { value: i.id }, i.name + " (" + i.unit + ")")); });
      res[1].items.forEach(function (r) { if (r.level !== "county") rsel.appendChild(el("option", { value: r.code }, r.name)); });
      sel.value = params.get("indicator") || "urbanization_rate";
      if (!sel.value) sel.selectedIndex = 0;
      rsel.value = params.get("region") || "620000";
      var fc = res[2];
      function draw() {
        var ind = sel.value, reg = rsel.value;
        Promise.all([
          /* approved values unless ?pending=1 asks for the pending ones too (they are marked) */
          apiAll("/observations", { indicator: ind, status: params.get("pending") ? "all" : null }),
          apiAll("/targets", { indicator: ind, kind: "target" }),
        ]).then(function (r2) {
          var obs = r2[0].items, own = obs.filter(function (o) { return o.region_code === reg; });
          own.sort(function (a, b) { return a.period < b.period ? -1 : 1; });
          var tg = r2[1].items.filter(function (x) { return x.region_code === reg; });
          var series = [{ name: t("observed"), type: "line", data: own.map(function (o) { return [o.period, o.value]; }) }];
          /* every target of the region, as the API lists them (the page chooses none) */
          tg.forEach(function (x) {
            var base = own.length ? own[0] : null;
            var by = x.baseline_year || (base && parseInt(base.period, 10)), bv = x.baseline_value !== null ? x.baseline_value : base && base.value;
            if (by && bv !== null && bv !== undefined) {
              series.push({ name: t("target_path") + " " + x.target_year + " (" + x.plan + ")", type: "line", lineStyle: { type: "dashed" }, data: [[String(by), bv], [String(x.target_year), x.target_value]] });
            }
          });
          seriesChart.setOption({
            tooltip: { trigger: "axis" }, legend: {}, animation: false,
            xAxis: { type: "category", data: Array.from(new Set([].concat.apply([], series.map(function (s) { return s.data.map(function (d) { return d[0]; }); })))).sort() },
            yAxis: { type: "value", scale: true }, series: series,
          }, true);
          table("obs-table", own, [
            ["period", t("col_period")], ["value", t("col_value"), function (o) {
              var v = withSyn(fmt(o.value), o.synthetic);
              if (o.status && o.status !== "approved") v.appendChild(el("span", { "class": "badge pending " + o.status }, t("wf_" + o.status)));
              return v;
            }],
            ["unit", t("col_unit")], ["source", t("col_source")],
          ]);
          var latest = {};
          obs.forEach(function (o) { if (!latest[o.region_code] || latest[o.region_code].period < o.period) latest[o.region_code] = o; });
          var vals = Object.keys(latest).map(function (k) { return latest[k].value; });
          var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
          if (choroLayer) choro.removeLayer(choroLayer);
          choroLayer = L.geoJSON(fc, {
            style: function (f) {
              var o = latest[f.properties.code];
              if (!o) return { color: "#888", weight: 0.6, fillColor: "#eee", fillOpacity: 0.5 };
              var s = hi > lo ? (o.value - lo) / (hi - lo) : 0.5;
              var c = "rgb(" + Math.round(240 - 200 * s) + "," + Math.round(245 - 120 * s) + "," + Math.round(255 - 90 * s) + ")";
              return { color: "#555", weight: 0.6, fillColor: c, fillOpacity: 0.85 };
            },
            onEachFeature: function (f, l) {
              var o = latest[f.properties.code];
              l.bindTooltip(f.properties.name + (o ? ": " + fmt(o.value) + " " + o.unit + " (" + o.period + ")" : ""));
            },
          }).addTo(choro);
          choro.fitBounds(choroLayer.getBounds());
        }).catch(function (e) { showError("obs-table", e); });
      }
      sel.addEventListener("change", draw); rsel.addEventListener("change", draw);
      draw();
    });
  }

  /* ------------------------------------------------------------------- tasks */
  function tasks() {
    var c = chart("task-chart");
    function load() {
      var q = { province: document.getElementById("province").value, agency: document.getElementById("agency").value };
      apiAll("/tasks/status", q).then(function (p) {
        var counts = {};
        p.items.forEach(function (r) { counts[r.progress || "—"] = (counts[r.progress || "—"] || 0) + 1; });
        var keys = Object.keys(counts);
        c.setOption({ animation: false, tooltip: {}, xAxis: { type: "category", data: keys }, yAxis: { type: "value" },
                      series: [{ type: "bar", data: keys.map(function (k) { return counts[k]; }) }] }, true);
        table("task-table", p.items, [
          ["task_id", t("col_task"), function (r) { return r.task_id + " " + r.title; }],
          ["agency_name", t("col_agency")], ["role", "role"],
          ["progress", t("col_progress"), function (r) { return withSyn(fmt(r.progress), r.synthetic); }],
          ["percent", t("col_percent"), function (r) { return fmt(r.percent, 0); }],
          ["overdue", t("overdue_tasks"), function (r) { return fmt(r.overdue); }],
        ]);
        table("overdue", p.items.filter(function (r) { return r.overdue; }), [
          ["task_id", t("col_task"), function (r) { return r.task_id + " " + r.title; }], ["agency_name", t("col_agency")],
        ]);
      }).catch(function (e) { showError("task-table", e); });
    }
    document.getElementById("task-filter").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
    function loadCompletion() {
      apiAll("/tasks/completion", { by: document.getElementById("by").value }).then(function (p) {
        table("completion-table", p.items, [
          ["name", t("col_group"), function (r) { return fmt(r.name || r.group); }],
          ["assignments", t("col_assignments")], ["completed", t("col_completed")],
          ["share_completed", t("col_share_completed"), function (r) { return r.share_completed == null ? "—" : fmt(100 * r.share_completed, 1) + " %"; }],
          ["in_progress", t("col_in_progress")], ["lagging", t("col_lagging")], ["not_started", t("col_not_started")],
          ["overdue", t("overdue_tasks")], ["stalled", t("col_stalled")],
        ]);
      }).catch(function (e) { showError("completion-table", e); });
    }
    document.getElementById("completion-filter").addEventListener("submit", function (ev) { ev.preventDefault(); loadCompletion(); });
    loadCompletion();
    var form = document.getElementById("report-form");
    if (form) form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var f = new FormData(form), body = {};
      f.forEach(function (v, k) { body[k] = v; });
      body.percent = body.percent === "" ? null : Number(body.percent);
      body.evidence_links = body.evidence_links ? body.evidence_links.split(";").map(function (s) { return s.trim(); }).filter(Boolean) : [];
      post("/tasks/reports", body).then(function (r) {
        var out = document.getElementById("report-result");
        out.textContent = "";
        if (r.ok) { out.textContent = t("submitted_ok") + ": " + r.body.batch_id; return; }
        out.appendChild(el("p", {}, r.body.error.message));
        table(out.appendChild(el("div")), r.body.error.problems, [["row", t("col_row")], ["field", t("col_field")], ["value", t("col_value")], ["message", t("col_problem")]]);
      });
    });
    load();
  }

  /* ------------------------------------------------------------------- water */
  /* colours come from the standards' data (/legends); positions from the service (/water/monthly:
     lon, lat, position): the page draws them and decides nothing */
  function water() {
    var m = map("water-map");
    Promise.all([apiAll("/water/monthly", {}), api("/legends"), layer("prefecture")]).then(function (res) {
      var rows = res[0].items, colours = {};
      res[1].water_classes.forEach(function (c) { colours[c.water_class] = c.colour; });
      var base = L.geoJSON(res[2], { style: { color: "#777", weight: 0.8, fillColor: "#dde6ee", fillOpacity: 0.5 } }).addTo(m);
      m.fitBounds(base.getBounds());
      /* how each place is known comes with the record (position, from the reports' rule):
         measured = solid ring; approximate / near the city's seat = dashed ring, said in the legend */
      var kinds = {};
      rows.forEach(function (s) {
        if (s.lat === null || s.lat === undefined) return;
        var approx = s.position !== "measured";
        kinds[s.position] = true;
        L.circleMarker([s.lat, s.lon], { radius: 9, color: "#222", weight: approx ? 2 : 1, dashArray: approx ? "3 3" : null, fillColor: colours[s.water_class] || res[1].no_data, fillOpacity: 0.95 })
          .bindTooltip((s.name || s.section) + ": " + s.water_class_label + " / " + s.target_class + " (" + t("place_" + s.position) + ")").addTo(m);
      });
      var legend = document.getElementById("water-places");
      if (legend) {
        legend.textContent = "";
        ["measured", "approximate", "placed_near_city"].forEach(function (k) {
          if (!kinds[k]) return;
          legend.appendChild(el("li", { "class": "place-" + k, "data-position": k }, t("place_" + k)));
        });
      }
      document.getElementById("water-month").textContent = rows.length ? rows[0].period : "";
      table("water-monthly", rows, [
        ["section", t("col_section"), function (s) { return withSyn((s.name || s.section), s.synthetic); }], ["city", t("col_city")],
        ["water_class_label", t("col_class")], ["target_class", t("col_target_class")],
        ["meets_target", t("col_meets"), function (s) { return fmt(s.meets_target); }], ["exceeding_items", "超标项目 exceeding"],
      ]);
    }).catch(function (e) { showError("water-monthly", e); });
    /* graded warnings (/water/warnings: the bulletins' rule); words, levels and thresholds come
       with the records, class labels from /legends */
    Promise.all([api("/water/warnings"), api("/legends")]).then(function (res) {
      var rows = res[0].items, en = document.body.dataset.lang === "en", labels = {};
      res[1].water_classes.forEach(function (c) { labels[c.water_class] = c.label; });
      function cls(v) { return v === null || v === undefined ? "—" : (en ? "Class " + labels[v] : labels[v] + "类"); }
      function pair(a, b) { return cls(a) + "→" + cls(b); }
      var rule = document.getElementById("water-warning-rule");
      if (rule && rows.length) {
        rule.textContent = t("warning_rule").replace(/\{l1\}/g, rows[0].level1_decline)
          .replace(/\{l2\}/g, rows[0].level2_decline).replace(/\{below\}/g, labels[rows[0].below_class]);
      }
      document.getElementById("water-warning-period").textContent = rows.length ? rows[0].period : "";
      table("water-warnings", rows, [
        ["unit_name", t("col_warning_unit")], ["city", t("col_city")],
        ["warning_level", t("col_warning_level"), function (r) { return (en ? r.warning_level_en : r.warning_level_zh) || "—"; }],
        ["change", t("col_warning_change"), function (r) { return (en ? r.change_en : r.change_zh) || ""; }],
        ["level_month", t("col_period")],
        ["water_class", t("col_month_classes"), function (r) { return r.scope === "section" ? pair(r.last_year_class, r.water_class) : ""; }],
        ["cumulative_class", t("col_cumulative_classes"), function (r) { return r.scope === "section" ? pair(r.cumulative_last_year_class, r.cumulative_class) : ""; }],
      ]);
    }).catch(function (e) { showError("water-warnings", e); });
    api("/water/annual").then(function (p) {
      table("water-annual", p.items, [["region", t("col_region")], ["level", t("col_level"), function (r) { return t("level_" + r.level); }],
        /* a region none of whose sections has a target is not assessed: no figure (never 100 * null = 0 %) */
        ["annual_compliance", t("col_meets"), function (r) { return r.annual_compliance === null || r.annual_compliance === undefined ? "—" : fmt(100 * r.annual_compliance, 1) + "%"; }],
        ["sections_meeting", t("col_annual_mean_meets"), function (r) { return r.annual_compliance === null || r.annual_compliance === undefined ? t("no_assessed_section") : r.sections_meeting + " / " + r.sections; }], ["rank", "#"]]);
    }).catch(function (e) { showError("water-annual", e); });
  }

  /* --------------------------------------------------------------------- air */
  function air() {
    var sel = document.getElementById("city"), cal = chart("aqi-calendar"), good = chart("good-chart");
    Promise.all([api("/air/annual", { level: "city" }), api("/air/targets", { level: "target" }), api("/legends")]).then(function (res) {
      var cities = res[0].items, targets = res[1].items, legends = res[2];
      cities.forEach(function (c) { sel.appendChild(el("option", { value: c.region_code || c.unit }, c.unit)); });
      sel.value = cities.length ? (cities[0].region_code || cities[0].unit) : "";
      var series = [{ type: "bar", name: t("good_days"), data: cities.map(function (c) { return +(100 * c.good_days_ratio).toFixed(1); }) }];
      /* every target the API assessed, drawn as given */
      if (targets.length) series[0].markLine = { symbol: "none", data: targets.map(function (x) {
        return { yAxis: x.target_value, name: x.scope_name, label: { formatter: x.scope_name + " " + x.target_value + "% (" + x.target_year + ")" } };
      }) };
      good.setOption({ animation: false, tooltip: {}, xAxis: { type: "category", data: cities.map(function (c) { return c.unit; }), axisLabel: { interval: 0, rotate: 30 } },
                       yAxis: { type: "value", max: 100, name: "%" }, series: series });
      table("air-annual", cities, [["unit", t("col_city")], ["good_days", "优良天数 good days"], ["aqi_days", "有效天数 valid days"],
        ["good_days_ratio", t("col_good_ratio"), function (r) { return withSyn(fmt(100 * r.good_days_ratio, 1) + "%", true); }],
        ["edition", t("col_edition"), function (r) { return "HJ 633-" + r.edition; }], ["method", "method"]]);
      var zh = document.body.dataset.lang === "zh";
      table("air-targets", targets, [["scope_name", t("col_region")],
        ["target_value", t("col_target"), function (r) { return r.comparison_symbol + " " + fmt(r.target_value) + "% (" + r.target_year + ")"; }],
        ["good_days_ratio", t("col_good_ratio"), function (r) { return r.good_days_ratio === null ? "—" : fmt(r.good_days_ratio, 1) + "%"; }],
        ["edition", t("col_edition"), function (r) { return "HJ 633-" + r.edition; }],
        ["verdict", t("col_status"), function (r) { return zh ? r.verdict_zh : r.verdict_en; }]]);
      function draw() {
        apiAll("/air/daily", { city: sel.value }).then(function (p) {
          var days = p.items.map(function (d) { return [d.date, d.aqi]; });
          var first = days.length ? days[0][0] : "2025-01-01", last = days.length ? days[days.length - 1][0] : first;
          var eds = Array.from(new Set(p.items.map(function (d) { return d.edition; })));
          document.getElementById("edition").textContent = eds.map(function (e) { return "HJ 633-" + e; }).join(", ");
          /* the AQI levels and colours of HJ 633 (表2 / 附录A) as the API gives them */
          var levels = legends.aqi_levels[eds.length ? eds[eds.length - 1] : "2012"] || legends.aqi_levels["2012"];
          var pieces = levels.map(function (l) { var x = { min: l.aqi_min, color: l.colour }; if (l.aqi_max !== null) x.max = l.aqi_max; return x; });
          cal.setOption({
            animation: false, tooltip: { formatter: function (x) { return x.value[0] + " AQI " + x.value[1]; } },
            visualMap: { type: "piecewise", orient: "horizontal", left: "center", bottom: 0, pieces: pieces },
            calendar: { range: [first, last], cellSize: ["auto", 22], top: 40, left: 40, right: 20, dayLabel: { nameMap: document.body.dataset.lang === "zh" ? "ZH" : "EN" } },
            series: [{ type: "heatmap", coordinateSystem: "calendar", data: days }],
          }, true);
        }).catch(function (e) { showError("edition", e); });
      }
      sel.addEventListener("change", draw);
      draw();
    }).catch(function (e) { showError("air-annual", e); });
  }

  /* ------------------------------------------------------------------ access */
  function access() {
    var m = map("access-map"), layers = [];
    function load() {
      var centre = document.getElementById("centre").value, minutes = document.getElementById("minutes").value;
      api("/access/circle", { center: centre, minutes: minutes }).then(function (p) {
        layers.forEach(function (l) { m.removeLayer(l); }); layers = [];
        var g = L.geoJSON(p.geojson, {
          style: function (f) {
            var pr = f.properties;
            if (pr.kind === "county") {
              var c = pr.covered ? "#2c7fb8" : (pr.minutes !== null && pr.minutes <= 2 * p.result.minutes ? "#a6bddb" : "#ece7f2");
              return { color: "#555", weight: 0.6, fillColor: c, fillOpacity: 0.8 };
            }
            return { color: "#e6550d", weight: 2, fillOpacity: 0.1 };
          },
          pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 7, color: "#fff", weight: 2, fillColor: "#e6550d", fillOpacity: 1 }); },
          onEachFeature: function (f, l) {
            var pr = f.properties;
            if (pr.kind === "county") l.bindTooltip(pr.name + ": " + (pr.minutes === null ? "—" : fmt(pr.minutes, 0) + " min"));
            else if (pr.name) l.bindTooltip(pr.name);
          },
        }).addTo(m);
        layers.push(g); m.fitBounds(g.getBounds());
        var r = p.result, dl = document.getElementById("coverage");
        dl.textContent = "";
        [[t("counties_reached"), r.n_covered + " / " + r.n_units], [t("county_share"), fmt(100 * r.share_county_units, 1) + "%"],
         [t("population_share"), r.share_population === null ? "—" : fmt(100 * r.share_population, 1) + "%"], [t("mean_minutes"), fmt(r.weighted_mean_minutes, 1)]].forEach(function (x) {
          dl.appendChild(el("dt", {}, x[0])); dl.appendChild(el("dd", {}, x[1]));
        });
        table("reached", r.reached, [["name", t("col_region")], ["prefecture", t("col_city")], ["minutes", t("col_minutes"), function (x) { return fmt(x.minutes, 0); }]]);
      }).catch(function (e) { showError("coverage", e); });
    }
    document.getElementById("access-form").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
    load();
  }

  var pages = { overview: overview, indicators: indicators, tasks: tasks, water: water, air: air, access: access };
  var page = document.body.dataset.page;
  if (pages[page]) pages[page]();
})();
