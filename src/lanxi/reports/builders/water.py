"""Water reports: monthly bulletin, quarterly warnings, annual responsibility, compensation.

Every figure comes from :mod:`lanxi.services.environment` run on the store's samples
(:func:`lanxi.services.environment.store.samples_frame`) — the same calls as ``lanxi water assess|
warnings|annual|compensation`` and the API — so the numbers are the same by construction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from lanxi.errors import NotFoundError
from lanxi.reports import charts, maps
from lanxi.reports.builders.common import (
    ReportRequest,
    col,
    label,
    new_report,
    no_data_report,
    records_of,
    region_filter,
    require_period,
    table,
)
from lanxi.reports.content import Figure, Lang, Report, Section
from lanxi.reports.fmt import months_label, period_label, points
from lanxi.reports.i18n import t
from lanxi.reports.names import (
    chinese_name,
    item_list,
    region_name,
    river_name,
    section_name,
    short_item,
)
from lanxi.services.bulletins import (
    GradedWarnings,
    WaterMonthBulletin,
    graded_warnings,
    water_month_bulletin,
)
from lanxi.services.environment import assessments as env
from lanxi.services.environment import store as env_store
from lanxi.standards.gb3838 import gb3838_table

GB3838 = "GB 3838-2002《地表水环境质量标准》"
METHOD_2011 = "《地表水环境质量评价办法（试行）》（环办〔2011〕22号）"


def stored_samples(url: str | None) -> pd.DataFrame | None:
    """The store's water samples (:func:`env_store.samples_frame`), or None when there are none."""
    try:
        return env_store.samples_frame(url)
    except NotFoundError:
        return None


def _class_label(k: Any) -> str | None:
    if k is None:
        return None
    labels = gb3838_table().class_labels
    return labels[int(k) - 1]


def sections_info() -> dict[str, dict[str, Any]]:
    """Name, river, city, province, coordinates and demo flag of each bundled section."""
    info = env_store.bundled_sections()
    out: dict[str, dict[str, Any]] = {}
    for r in info.to_dict("records"):
        out[r["id"]] = {
            "name": r["name"],
            "river": r["river"],
            "city": r["city"] or None,
            "province": r["province"] or None,
            "lon": float(r["lon"]) if r["lon"] else None,
            "lat": float(r["lat"]) if r["lat"] else None,
            "synthetic_demo": r["synthetic_demo"] == "true",
            "border": r["border"] == "true",
            "name_en": r.get("name_en") or None,
            "river_en": r.get("river_en") or None,
        }
    return out


def _with_info(records: list[dict[str, Any]], lang: Lang = "zh") -> list[dict[str, Any]]:
    """Records with each section's name, river, city and province (in ``lang``) added.

    ``section_name``, ``river_name`` and ``city_name`` are what a reader sees; ``city`` and
    ``province`` stay the data's Chinese names (the region filter compares them).
    """
    info = sections_info()
    for r in records:
        i = info.get(str(r["section"]), {})
        for k in ("name", "river", "city", "province"):
            r.setdefault(k, i.get(k))
        r["section_name"] = section_name(i, str(r["section"]), lang)
        r["river_name"] = (
            i["river_en"]
            if lang == "en" and i.get("river_en") and r.get("river") == i.get("river")
            else river_name(r.get("river"), lang)
        )
        r["city_name"] = region_name(r.get("city"), lang)
    return records


def _section_map(
    records: list[dict[str, Any]],
    colour_of: dict[str, str],
    legend: list[tuple[str, str]],
    title: str,
    lang: Lang,
) -> Figure:
    """The sections at their own places (:func:`lanxi.services.environment.store.section_places`).

    Approximate places are marked on the map and named in the source under it.
    """
    places = env_store.section_places([str(r["section"]) for r in records])
    points = []
    named: dict[str, list[str]] = {"sourced": [], "approximate": [], "city": []}
    for r in records:
        sid = str(r["section"])
        if sid not in places:
            continue
        lon, lat, quality = places[sid]
        name = str(r.get("section_name") or sid)
        named[quality].append(name)
        points.append(
            maps.MapPoint(
                lon=lon,
                lat=lat,
                colour=colour_of.get(sid, charts.NO_DATA_COLOUR),
                # on the map a Chinese-only name stands without its "(Chinese name)" mark
                label=name.removesuffix(chinese_name("")),
                approximate=quality != "sourced",
            )
        )
    sep = "、" if lang == "zh" else ", "
    parts = [t("src.sections_map", lang)]
    for quality in ("sourced", "approximate", "city"):
        if named[quality]:
            parts.append(t(f"map.src_sections_{quality}", lang, names=sep.join(named[quality])))
    return Figure(
        id="map-sections",
        title=title,
        kind="map",
        png_base64=maps.point_map(points, legend=legend, lang=lang),
        source=maps.map_source(lang, *parts),
    )


GB3838_EN = "GB 3838-2002 Environmental Quality Standards for Surface Water"
METHOD_2011_EN = (
    "Surface Water Environmental Quality Assessment Method (trial), Huanban [2011] No. 22"
)


def _editions_water(lang: Any) -> tuple[list[str], list[str]]:
    if lang == "en":
        return [GB3838_EN], [METHOD_2011_EN, t("method.single_factor", lang)]
    return [GB3838], [METHOD_2011, t("method.single_factor", lang)]


def flag_synthetic(
    report: Report, url: str | None, start: dt.date, stop: dt.date, section: str | None = None
) -> None:
    """Flag the report when a stored sample of the period (and section) is synthetic."""
    report.synthetic = env_store.has_synthetic("water", start, stop, section=section, url=url)


def period_bounds(period: pd.Period) -> tuple[dt.date, dt.date]:
    """First day of ``period`` and the day after its last."""
    return period.start_time.date(), (period.end_time + pd.Timedelta(days=1)).normalize().date()


# --------------------------------------------------------------------------- monthly


def water_monthly(req: ReportRequest, *, url: str | None, generated_at: dt.datetime) -> Report:
    """月度水质监测评估通报: each section's class in the month and whether it met its target."""
    month = require_period(req, "month")
    lang = req.lang
    editions, methods = _editions_water(lang)
    report = new_report(
        req,
        generated_at=generated_at,
        editions=editions,
        methods=methods,
        subtitle=t("subtitle.water_monthly", lang, month=period_label(month, lang)),
    )
    samples = stored_samples(url)
    if samples is None or not (pd.to_datetime(samples["time"]).dt.strftime("%Y-%m") == month).any():
        return no_data_report(report, t("no_data.water", lang, period=month))
    flag_synthetic(report, url, *period_bounds(pd.Period(month, "M")))
    result = env.water_assess(samples, month, file="store")
    recs = region_filter(_with_info(records_of(result), lang), req.region, ("city", "province"))
    for r in recs:
        r["target_label"] = _class_label(r["target_class"])
        r["main_pollutants_text"] = item_list(r.get("main_pollutants"), lang)
        r["exceeding_items_text"] = item_list(r.get("exceeding_items"), lang)
    # counts of the rows shown (a section without a class counts as neither met nor missed)
    n = len(recs)
    met = sum(r["meets_target"] is True for r in recs)
    missed = sum(r["meets_target"] is False for r in recs)
    untargeted = sum(r["target_class"] is None for r in recs)
    src = t("src.water", lang)
    overview = Section(
        id="overview",
        title=t("section.overview", lang),
        paragraphs=[
            t(
                "para.water_monthly",
                lang,
                month=period_label(month, lang),
                n=n,
                met=met,
                missed=missed,
                untargeted=untargeted,
            )
        ],
    )
    labels = gb3838_table().class_labels
    counts = [sum(r["water_class"] == k for r in recs) for k in range(1, 7)]
    overview.figures.append(
        Figure(
            id="chart-classes",
            title=t("fig.class_distribution", lang),
            kind="chart",
            png_base64=charts.bar_chart(
                list(labels),
                counts,
                title=t("fig.class_distribution", lang),
                ylabel=t("axis.sections", lang),
                colours=charts.CLASS_COLOURS,
            ),
            source=src,
        )
    )
    bulletin = water_month_bulletin(
        samples, month, cities={k: v["city"] for k, v in sections_info().items()}, file="store"
    )
    overview.paragraphs.extend(_share_paragraphs(bulletin, month, lang))
    report.methods.append(t("method.cwqi", lang))
    extra = {str(r["section"]): r for r in records_of(bulletin.sections)}
    info = sections_info()
    for r in recs:
        e = extra.get(str(r["section"]), {})
        r["attribute"] = _attribute(info.get(str(r["section"]), {}), lang)
        r["previous_class_text"] = _class_label(e.get("previous_class"))
        r["last_year_class_text"] = _class_label(e.get("last_year_class"))
        r["cumulative_class_text"] = _class_label(e.get("cumulative_class"))
    cls = Section(id="classes", title=t("section.section_classes", lang))
    cls.tables.append(
        table(
            "sections",
            t("table.section_classes", lang),
            [
                col("section_name", lang, label=t("col.section", lang)),
                col("river_name", lang, label=t("col.river", lang)),
                col("city_name", lang, label=t("col.city", lang)),
                col("attribute", lang),
                col("target_label", lang),
                col("water_class_label", lang),
                col("meets_target", lang, "bool"),
                col("main_pollutants_text", lang, label=t("col.main_pollutants", lang)),
                col("exceeding_items_text", lang, label=t("col.exceeding_items", lang)),
                col("n_samples", lang, "int"),
            ],
            recs,
            src,
            note=t("note.multiples", lang),
            keep=("section", "main_pollutants", "exceeding_items"),
        )
    )
    cls.tables.append(
        table(
            "section-history",
            t("table.section_list", lang),
            [
                col("section_name", lang, label=t("col.section", lang)),
                col("target_label", lang),
                col("water_class_label", lang),
                col("previous_class_text", lang),
                col("last_year_class_text", lang),
                col("cumulative_class_text", lang),
            ],
            recs,
            src,
            keep=("section",),
        )
    )
    legend = [(lab, charts.CLASS_COLOURS[i]) for i, lab in enumerate(labels)]
    cls.figures.append(
        _section_map(
            recs,
            {
                r["section"]: charts.CLASS_COLOURS[int(r["water_class"]) - 1]
                for r in recs
                if r["water_class"] is not None
            },
            legend,
            t("fig.section_map_class", lang, period=period_label(month, lang)),
            lang,
        )
    )
    table_ = gb3838_table()
    items = [k for k in table_.items if k in result.columns]
    values = Section(id="values", title=t("section.values", lang))
    values.tables.append(
        table(
            "values",
            t("table.monthly_values", lang),
            [col("section_name", lang, label=t("col.section", lang))]
            + [
                col(
                    k,
                    lang,
                    "float",
                    digits=3,
                    label=f"{short_item(table_.name(k, lang))}（{table_.unit(k, lang)}）"
                    if table_.unit(k, lang) and lang == "zh"
                    else f"{short_item(table_.name(k, lang))} ({table_.unit(k, lang)})"
                    if table_.unit(k, lang)
                    else short_item(table_.name(k, lang)),
                )
                for k in items
            ],
            recs,
            src,
            keep=("section",),
        )
    )
    levels = graded_warnings(
        samples, month, cities={k: v["city"] for k, v in sections_info().items()}, file="store"
    )
    warn = _warning_section(levels, recs, lang)
    report.sections = [overview, cls, warn, _cwqi_section(bulletin, lang), values]
    return report


def _level_text(level: Any, lang: Lang) -> str | None:
    return None if level is None else t(f"warning_level.{int(level)}", lang)


def _warning_rule_paragraph(levels: GradedWarnings, lang: Lang) -> str:
    rules = levels.rules
    labels = gb3838_table().class_labels
    return t(
        "para.warning_rule",
        lang,
        l1=rules.level1_decline,
        l2=rules.level2_decline,
        below=labels[rules.below_class - 1],
    )


def _warning_rows(
    levels: GradedWarnings, recs: list[dict[str, Any]], lang: Lang
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of the sections and cities with a level now or in the period before (raised, lifted).

    Only the sections in ``recs`` (the region shown) and their cities are kept.
    """
    names = {str(r["section"]): r for r in recs}
    facts = {(str(r["section"]), str(r["month"])): r for r in records_of(levels.monthly)}
    labels = gb3838_table().class_labels

    def cls(v: Any) -> str | None:
        return None if v is None else labels[int(v) - 1]

    rows = []
    for r in records_of(levels.sections):
        if r["change"] is None or str(r["section"]) not in names:
            continue
        n = names[str(r["section"])]
        month = r["level_month"] or levels.months[-1]
        f = facts.get((str(r["section"]), month), {})
        rows.append(
            {
                "section": r["section"],
                "section_name": n["section_name"],
                "city_name": n["city_name"],
                "level_month_text": period_label(month, lang),
                "target_label": cls(f.get("target_class")),
                "month_classes_text": _class_change_text(
                    cls(f.get("last_year_class")), cls(f.get("water_class")), lang
                ),
                "cumulative_classes_text": _class_change_text(
                    cls(f.get("cumulative_last_year_class")), cls(f.get("cumulative_class")), lang
                ),
                "level": r["level"],
                "level_text": _level_text(r["level"], lang),
                "previous_level_text": _level_text(r["previous_level"], lang),
                "change_text": t(f"warning_change.{r['change']}", lang),
            }
        )
    shown_cities = {n.get("city") for n in names.values()}
    city_rows = [
        {
            "city": r["city"],
            "city_name": region_name(r["city"], lang),
            "level": r["level"],
            "level_text": _level_text(r["level"], lang),
            "previous_level_text": _level_text(r["previous_level"], lang),
            "change_text": t(f"warning_change.{r['change']}", lang),
        }
        for r in records_of(levels.cities)
        if r["change"] is not None and r["city"] in shown_cities
    ]
    return rows, city_rows


def _class_word(label: str, lang: Lang) -> str:
    """Ⅳ → Ⅳ类 / Class Ⅳ."""
    return f"{label}类" if lang == "zh" else f"Class {label}"


def _class_change_text(before: str | None, now: str | None, lang: Lang) -> str:
    """“Ⅴ类→劣Ⅴ类”: the class a year before and now."""

    def lab(v: str | None) -> str:
        if v is None:
            return "—"
        return f"{v}类" if lang == "zh" else f"Class {v}"

    return f"{lab(before)}→{lab(now)}"


def _warning_section(levels: GradedWarnings, recs: list[dict[str, Any]], lang: Lang) -> Section:
    """水质预警: levels per section and per city with the rule and its thresholds (settings)."""
    sec = Section(id="warnings", title=t("section.warning_levels", lang))
    sec.paragraphs.append(_warning_rule_paragraph(levels, lang))
    rows, city_rows = _warning_rows(levels, recs, lang)
    warned = sum(1 for r in rows if r["level_text"] is not None)
    lifted = sum(1 for r in rows if r["level_text"] is None)
    sec.paragraphs.append(t("para.warning_count", lang, warned=warned, lifted=lifted))
    _warning_tables(sec, rows, city_rows, lang, monthly=True)
    return sec


def _warning_tables(
    sec: Section,
    rows: list[dict[str, Any]],
    city_rows: list[dict[str, Any]],
    lang: Lang,
    *,
    monthly: bool,
) -> None:
    cols = [
        col("level_text", lang),
        col("previous_level_text", lang),
        col("change_text", lang),
    ]
    facts = [
        col("target_label", lang),
        col("month_classes_text", lang),
        col("cumulative_classes_text", lang),
    ]
    if not monthly:
        facts.insert(0, col("level_month_text", lang))
    src = t("src.water", lang)
    if rows:
        sec.tables.append(
            table(
                "warning-sections",
                t("table.warning_sections", lang),
                [
                    col("section_name", lang, label=t("col.section", lang)),
                    col("city_name", lang, label=t("col.city", lang)),
                    *facts,
                    *cols,
                ],
                rows,
                src,
                keep=("section", "level"),
            )
        )
    if city_rows:
        sec.tables.append(
            table(
                "warning-cities",
                t("table.warning_cities", lang),
                [col("city_name", lang, label=t("col.city", lang)), *cols],
                city_rows,
                src,
                keep=("city", "level"),
            )
        )


def _attribute(info: dict[str, Any], lang: Lang) -> str | None:
    """属性 of a section: 省界 (a provincial border section), 演示 (a demonstration section)."""
    if info.get("border"):
        return t("attribute.border", lang)
    if info.get("synthetic_demo"):
        return t("attribute.demo", lang)
    return None


def _pct_text(share: float | None, lang: Lang) -> str:
    return "—" if share is None else f"{100 * share:.1f}%"


def _cmp(key: str, now: float | None, before: float | None, lang: Lang) -> str:
    if now is None or before is None:
        return t(key, lang, change=t("no_comparison", lang))
    return t(key, lang, change=points(now - before, lang))


def _pollutant_sentence(items: tuple[str, ...], lang: Lang) -> str:
    if not items:
        return ""
    table_ = gb3838_table()
    names = [short_item(table_.name(k, lang)) for k in items]
    if lang == "zh":
        text = "、".join(names[:-1]) + "和" + names[-1] if len(names) > 1 else names[0]
    else:
        text = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return t("para.main_pollutants", lang, items=text)


def _share_paragraphs(bulletin: WaterMonthBulletin, month: str, lang: Lang) -> list[str]:
    """The overview sentences of a monthly bulletin, each stating the figures it rests on.

    Rule: the month's shares of Ⅰ–Ⅲ and 劣Ⅴ with their change against the same month a year
    before (同比) and the month before (环比) in 百分点, the main pollutants (the three items with
    the highest 断面超标率, 环办〔2011〕22号 二、（一）3) and the grade (表2); then the same for
    1—N月 against 1—N月 a year before.
    """
    out = []
    g = bulletin.periods.get("month")
    if g is not None:
        last, prev = bulletin.periods.get("last_year"), bulletin.periods.get("previous_month")
        out.append(
            t(
                "para.water_shares",
                lang,
                period=period_label(month, lang),
                n=g.n_sections,
                i_iii=_pct_text(g.share_i_iii, lang),
                yoy_i_iii=_cmp("yoy", g.share_i_iii, last.share_i_iii if last else None, lang),
                mom_i_iii=_cmp("mom", g.share_i_iii, prev.share_i_iii if prev else None, lang),
                worse_v=_pct_text(g.share_worse_v, lang),
                yoy_worse_v=_cmp(
                    "yoy", g.share_worse_v, last.share_worse_v if last else None, lang
                ),
                mom_worse_v=_cmp(
                    "mom", g.share_worse_v, prev.share_worse_v if prev else None, lang
                ),
                pollutants=_pollutant_sentence(g.main_pollutants, lang),
                grade=t(f"grade.{g.grade}", lang),
            )
        )
    c = bulletin.periods.get("cumulative")
    if c is not None:
        p = pd.Period(month, "M")
        cl = bulletin.periods.get("cumulative_last_year")
        out.append(
            t(
                "para.water_cumulative",
                lang,
                span=months_label(p.year, p.month, lang),
                i_iii=_pct_text(c.share_i_iii, lang),
                yoy_i_iii=_cmp("yoy", c.share_i_iii, cl.share_i_iii if cl else None, lang),
                worse_v=_pct_text(c.share_worse_v, lang),
                yoy_worse_v=_cmp("yoy", c.share_worse_v, cl.share_worse_v if cl else None, lang),
                pollutants=_pollutant_sentence(c.main_pollutants, lang),
                grade=t(f"grade.{c.grade}", lang),
            )
        )
    return out


def _cwqi_section(bulletin: WaterMonthBulletin, lang: Lang) -> Section:
    """The city ranking by CWQI and its change (环办监测〔2017〕51号)."""
    sec = Section(id="cwqi", title=t("section.cwqi_ranking", lang))
    recs = records_of(bulletin.cities)
    for r in recs:
        r["city_name"] = region_name(r["city"], lang)
        r["cwqi_change_pct"] = None if r["cwqi_change"] is None else 100 * r["cwqi_change"]
    if recs:
        first = [r["city_name"] for r in recs if r["rank"] == 1]
        worst_rank = max(r["rank"] for r in recs if r["rank"] is not None)
        last = [r["city_name"] for r in recs if r["rank"] == worst_rank]
        sep = "、" if lang == "zh" else ", "
        sec.paragraphs.append(
            t("para.cwqi_ranking", lang, best=sep.join(first), worst=sep.join(last))
        )
    sec.tables.append(
        table(
            "cwqi",
            t("table.cwqi_ranking", lang),
            [
                col("rank", lang, "int"),
                col("city_name", lang, label=t("col.city", lang)),
                col("sections", lang, "int"),
                col("cwqi", lang, "float", digits=2),
                col("cwqi_last_year", lang, "float", digits=2),
                col("cwqi_change_pct", lang, "float", digits=1),
                col("change_rank", lang, "int"),
            ],
            recs,
            t("src.water", lang),
            note=t("method.cwqi", lang),
            keep=("city",),
        )
    )
    return sec


# -------------------------------------------------------------------------- warnings


def water_warnings(req: ReportRequest, *, url: str | None, generated_at: dt.datetime) -> Report:
    """季度水质预警通报: the graded warning levels of the quarter, raised, kept and lifted.

    The same rule and the same service function as the monthly bulletin's 水质预警
    (:func:`lanxi.services.bulletins.graded_warnings`): each section's level in each month of
    the quarter, the quarter's level the highest of them, a city the highest of its sections',
    and the change against the quarter before (解除 when the level is no longer reached).
    """
    quarter = require_period(req, "quarter")
    lang = req.lang
    editions, methods = _editions_water(lang)
    methods.append(t("method.warning_levels", lang))
    report = new_report(
        req,
        generated_at=generated_at,
        editions=editions,
        methods=methods,
        subtitle=t("subtitle.water_warnings", lang, quarter=period_label(quarter, lang)),
    )
    samples = stored_samples(url)
    q = pd.Period(quarter, "Q")
    if samples is None or not (pd.to_datetime(samples["time"]).dt.to_period("Q") == q).any():
        return no_data_report(report, t("no_data.water", lang, period=quarter))
    flag_synthetic(report, url, *period_bounds(q))
    info = sections_info()
    levels = graded_warnings(
        samples, quarter, cities={k: v["city"] for k, v in info.items()}, file="store"
    )
    sections = sorted({str(s) for s in levels.monthly["section"]})
    recs = region_filter(
        _with_info([{"section": s} for s in sections], lang), req.region, ("city", "province")
    )
    rows, city_rows = _warning_rows(levels, recs, lang)
    by_level = {str(r["section"]): r for r in records_of(levels.sections)}
    shown = {str(r["section"]) for r in recs}
    current = [r for r in by_level.values() if r["section"] in shown]
    n1 = sum(r["level"] == 1 for r in current)
    n2 = sum(r["level"] == 2 for r in current)
    raised = sum(r["change"] in ("raised", "up") for r in current)
    lifted = sum(r["change"] == "lifted" for r in current)
    c1 = sum(r["level"] == 1 for r in city_rows)
    c2 = sum(r["level"] == 2 for r in city_rows)
    sep = "、" if lang == "zh" else ", "
    warned_cities = sep.join(str(r["city_name"]) for r in city_rows if r["level"] is not None)
    overview = Section(
        id="overview",
        title=t("section.overview", lang),
        paragraphs=[
            t(
                "para.water_warning_levels",
                lang,
                quarter=period_label(quarter, lang),
                n=len(recs),
                warned=n1 + n2,
                n1=n1,
                n2=n2,
                raised=raised,
                lifted=lifted,
            ),
            t(
                "para.water_warning_cities",
                lang,
                warned=c1 + c2,
                c1=c1,
                c2=c2,
                cities=warned_cities or t("warning.no_city", lang),
            ),
        ],
    )
    rule = Section(
        id="rule",
        title=t("section.warning_rule", lang),
        paragraphs=[_warning_rule_paragraph(levels, lang), t("para.warning_quarter", lang)],
    )
    lst = Section(id="warnings", title=t("section.warning_levels", lang))
    if not rows and not city_rows:
        lst.paragraphs.append(t("para.no_warnings", lang))
    _warning_tables(lst, rows, city_rows, lang, monthly=False)
    # every section, month by month: the class and the level that month
    labels = gb3838_table().class_labels
    facts = {(str(r["section"]), str(r["month"])): r for r in records_of(levels.monthly)}
    all_rows = []
    for r in recs:
        s = str(r["section"])
        row: dict[str, Any] = {
            "section": s,
            "section_name": r["section_name"],
            "river_name": r["river_name"],
            "city_name": r["city_name"],
            "level_text": _level_text(by_level.get(s, {}).get("level"), lang),
        }
        target = None
        for i, m in enumerate(levels.months, start=1):
            f = facts.get((s, m))
            if f is None:
                row[f"m{i}"] = None
                continue
            target = target or f.get("target_class")
            wc = f.get("water_class")
            text = "—" if wc is None else _class_word(labels[int(wc) - 1], lang)
            level = _level_text(f["level"], lang)
            if level is not None:
                text += f"（{level}）" if lang == "zh" else f" ({level})"
            row[f"m{i}"] = text
        row["target_label"] = _class_label(target)
        all_rows.append(row)
    month_cols = [
        col(f"m{i}", lang, label=period_label(m, lang))
        for i, m in enumerate(levels.months, start=1)
    ]
    lst.tables.append(
        table(
            "all-sections",
            t("table.all_sections_quarter", lang),
            [
                col("section_name", lang, label=t("col.section", lang)),
                col("river_name", lang, label=t("col.river", lang)),
                col("city_name", lang, label=t("col.city", lang)),
                col("target_label", lang),
                *month_cols,
                col("level_text", lang, label=t("col.quarter_level", lang)),
            ],
            all_rows,
            t("src.water", lang),
            keep=("section",),
        )
    )
    colour = {1: "#E60012", 2: "#FF7E00"}
    lst.figures.append(
        _section_map(
            all_rows,
            {
                s: colour.get(by_level.get(s, {}).get("level") or 0, "#1FAE52")
                for s in (r["section"] for r in all_rows)
            },
            [
                (t("warning_level.1", lang), "#E60012"),
                (t("warning_level.2", lang), "#FF7E00"),
                (t("legend.not_warned", lang), "#1FAE52"),
            ],
            t("fig.section_map_warned", lang, period=period_label(quarter, lang)),
            lang,
        )
    )
    report.sections = [overview, rule, lst]
    return report


# ---------------------------------------------------------------------------- annual


def water_annual(req: ReportRequest, *, url: str | None, generated_at: dt.datetime) -> Report:
    """年度水环境责任考核结果: per city and province, share of sections meeting target, rank."""
    year = int(require_period(req, "year"))
    lang = req.lang
    editions, methods = _editions_water(lang)
    methods.append(t("method.responsibility", lang))
    report = new_report(
        req,
        generated_at=generated_at,
        editions=editions,
        methods=methods,
        subtitle=t("subtitle.year", lang, year=year),
    )
    samples = stored_samples(url)
    if samples is None or not (pd.to_datetime(samples["time"]).dt.year == year).any():
        return no_data_report(report, t("no_data.water", lang, period=str(year)))
    flag_synthetic(report, url, *period_bounds(pd.Period(str(year), "Y")))
    result = env.water_annual(samples, year, file="store")
    recs = records_of(result)
    for r in recs:
        r["trend_label"] = label("trend", r.get("trend"), lang)
        r["region_name"] = region_name(r.get("region"), lang)
        r["province_name"] = region_name(r.get("province"), lang)
    recs = region_filter(recs, req.region, ("region", "province"))
    cities = [r for r in recs if r["level"] == "city"]
    provinces = [r for r in recs if r["level"] == "province"]
    src = t("src.water", lang)
    cols = [
        col("rank", lang, "int"),
        # a Chinese city's name is never split over two lines (海东 / 市)
        col("region_name", lang, label=t("col.region", lang), nowrap=lang == "zh"),
        col("province_name", lang, label=t("col.province", lang)),
        col("sections", lang, "int"),
        col("sections_meeting", lang, "int"),
        col("share_meeting", lang, "percent", digits=1),
        col("section_months", lang, "int"),
        col("section_months_meeting", lang, "int"),
        col("compliance_rate", lang, "percent", digits=1),
        col("previous_share_meeting", lang, "percent", digits=1),
        col("share_change", lang, "points", digits=1),
        col("trend_label", lang),
    ]
    prov = Section(
        id="provinces",
        title=t("section.by_province", lang),
        paragraphs=[t("para.responsibility", lang, year=year)],
    )
    prov.tables.append(
        table(
            "provinces",
            t("table.by_province", lang),
            cols,
            provinces,
            src,
            keep=("region", "province"),
        )
    )
    city = Section(id="cities", title=t("section.by_city", lang))
    city.tables.append(
        table("cities", t("table.by_city", lang), cols, cities, src, keep=("region", "province"))
    )
    city.figures.append(
        Figure(
            id="chart-cities",
            title=t("fig.city_compliance", lang, year=year),
            kind="chart",
            png_base64=charts.bar_chart(
                [str(r["region_name"]) for r in cities],
                [
                    None if r["compliance_rate"] is None else 100 * r["compliance_rate"]
                    for r in cities
                ],
                title=t("fig.city_compliance", lang, year=year),
                ylabel="%",
                horizontal=True,
            ),
            source=src,
        )
    )
    city.figures.append(_city_choropleth(cities, year, src, lang))
    report.sections = [prov, city]
    return report


def _city_choropleth(cities: list[dict[str, Any]], year: int, src: str, lang: Any) -> Figure:
    from lanxi.services.analytics import plan_regions

    regions = plan_regions()
    prefecture = {
        str(n): c for c, n in regions.loc[regions["level"] == "prefecture", "name"].items()
    }
    rate = {prefecture.get(str(r["region"])): r["compliance_rate"] for r in cities}
    values: dict[str, float | None] = {}
    for code, parent in regions.loc[regions["level"] == "county", "parent_code"].items():
        v = rate.get(str(parent))
        values[str(code)] = None if v is None else 100 * float(v)
    title = t("fig.county_compliance", lang, year=year)
    return Figure(
        id="map-compliance",
        title=title,
        kind="map",
        png_base64=maps.choropleth(values, legend_title="%", lang=lang),
        source=maps.map_source(lang, src),
    )
