"""年度环境空气质量报告: good-days ratio against the plan targets, pollutant statistics, editions.

Figures come from :func:`lanxi.services.environment.store.air_annual` (the HJ 663-2013 annual
evaluation of :func:`lanxi.services.environment.assessments.air_annual`, as ``lanxi air annual``
computes it) on the store's observations of the year: a station's day from its hourly observations
when it has any that day, otherwise from its stored daily values (no day counted twice). The data's
year picks the edition in force on its last day for the GB 3095 limits (HJ 633 / GB 3095 2012 before
2026-03-01, 2026 from then) and the edition in force on each day for the daily AQI (good days), as
the calendar. The plan targets are read from :func:`lanxi.services.environment.views.air_targets` —
the one assessment the CLI (``lanxi air targets``), the API and the dashboard show: which cities a
target covers, the group value, the comparison and the verdict are decided there, not here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lanxi.errors import NotFoundError
from lanxi.reports import charts, maps
from lanxi.reports.builders.common import (
    ReportRequest,
    col,
    new_report,
    no_data_report,
    records_of,
    region_filter,
    require_period,
    table,
)
from lanxi.reports.content import Figure, Lang, Report, Section
from lanxi.reports.fmt import date_label
from lanxi.reports.i18n import t
from lanxi.reports.names import plan_title, region_name, station_name
from lanxi.services import bulletins
from lanxi.services.environment import store as env_store
from lanxi.services.environment import views as env_views
from lanxi.standards.hj633 import edition_for

INDICATOR = "air_good_days_ratio"
EDITION_TITLES = {
    "2012": ("HJ 633-2012", "GB 3095-2012"),
    "2026": ("HJ 633-2026", "GB 3095-2026"),
}


def _targets(url: str | None, year: int) -> list[dict[str, Any]]:
    """The target rows of the service's assessment of ``year`` (nearest target year first)."""
    return [dict(r) for r in env_views.air_targets(url, year=year) if r["level"] == "target"]


def target_region(target_id: str, region_code: str, name: str | None) -> str:
    """The region a target is set for, by name (:func:`lanxi.services.regions.target_unit_name`)."""
    from lanxi.services.analytics import plan_regions
    from lanxi.services.regions import target_unit_name

    regions = plan_regions()
    region = str(regions.at[region_code, "name"]) if region_code in regions.index else None
    return target_unit_name(target_id, region_code, name, region)


def air_annual(req: ReportRequest, *, url: str | None, generated_at: dt.datetime) -> Report:
    """年度环境空气质量报告 of the year ``req.period``."""
    year = int(require_period(req, "year"))
    lang = req.lang
    edition = edition_for(dt.date(year, 12, 31))
    hj, gb = EDITION_TITLES[edition]
    report = new_report(
        req,
        generated_at=generated_at,
        editions=[hj, gb],
        methods=[t("method.hj663", lang)],
        subtitle=t("subtitle.year", lang, year=year),
    )
    try:
        result = env_store.air_annual(year, url=url)
    except NotFoundError:
        return no_data_report(report, t("no_data.air", lang, year=year))
    report.synthetic = env_store.has_synthetic(
        "air", dt.date(year, 1, 1), dt.date(year + 1, 1, 1), url=url
    )
    recs = records_of(result)
    targets = _targets(url, year)
    for x in targets:
        x["verdict_text"] = x["verdict_zh"] if lang == "zh" else x["verdict_en"]
    # the targets of the nearest target year (the service orders them so)
    nearest = [x for x in targets if x["target_year"] == targets[0]["target_year"]]
    target = nearest[0] if nearest else None
    older = target is not None and target["edition"] != edition
    verdicts = env_views.air_city_verdicts(url, year=year)
    for r in recs:
        v = verdicts.get(str(r.get("region_code"))) if r["level"] == "city" else None
        r["target_ratio"] = None if v is None else float(v["good_days_ratio"]) / 100.0
        r["meets_target"] = None if v is None else v[f"verdict_{'zh' if lang == 'zh' else 'en'}"]
        r["days_valid"] = all(
            r.get(f"{p}_valid") for p in ("so2", "no2", "pm10", "pm2_5", "co", "o3_8h")
        )
    cities = region_filter([r for r in recs if r["level"] == "city"], req.region, ("city",))
    stations = region_filter([r for r in recs if r["level"] == "station"], req.region, ("city",))
    src = t("src.air", lang)
    bundled = env_store.bundled_stations().set_index("id")
    station_names = bundled["name"].to_dict()
    names_en = bundled["name_en"].to_dict() if "name_en" in bundled else {}
    for r in recs:
        r["unit_name"] = (
            station_name(
                str(station_names.get(r["unit"], r["unit"])),
                r.get("city"),
                lang,
                name_en=names_en.get(r["unit"]) or None,
            )
            if r["level"] == "station"
            else region_name(r["unit"], lang)
        )
        r["city_name"] = region_name(r.get("city"), lang)

    ed = Section(id="editions", title=t("section.editions", lang))
    ed.paragraphs.append(t("para.air_edition", lang, year=year, hj=hj, gb=gb))
    for x in targets:
        x["edition_title"] = " / ".join(EDITION_TITLES[x["edition"]])
    for x in targets:
        x["plan_name"] = plan_title(x["plan"], lang)
        x["scope_name"] = region_name(x.get("scope_name"), lang)
        x["issued_text"] = (
            date_label(dt.date.fromisoformat(str(x["issued"])[:10]), lang)
            if x.get("issued")
            else None
        )
    for x in nearest:
        ed.paragraphs.append(
            t(
                "para.air_target",
                lang,
                value=x["target_value"],
                year=x["target_year"],
                plan=x["plan_name"],
                region=x["scope_name"],
                issued=x["issued_text"] or "—",
                edition=x["edition_title"],
            )
        )
    if older:
        assert target is not None
        ed.paragraphs.append(t("para.air_target_recomputed", lang, edition=target["edition"]))
    ed.tables.append(
        table(
            "targets",
            t("table.air_targets", lang),
            [
                col("plan_name", lang, label=t("col.plan", lang)),
                col("scope_name", lang),
                col("target_value", lang, "percent", digits=0, scale=0.01),
                col("target_year", lang),
                col("issued_text", lang, label=t("col.issued", lang)),
                col("edition_title", lang),
                col("good_days_ratio", lang, "percent", digits=1, scale=0.01),
                col("verdict_text", lang),
            ],
            targets,
            t("src.targets", lang),
            keep=("target_id", "plan", "region_code"),
        )
    )

    values = {float(x["target_value"]) for x in nearest}
    line = values.pop() if len(values) == 1 else None
    good = Section(id="good-days", title=t("section.good_days", lang))
    if not all(r["days_valid"] for r in cities):
        good.paragraphs.append(t("para.air_validity", lang))
    good.tables.append(
        table(
            "good-days",
            t("table.good_days", lang),
            [
                col("unit_name", lang, label=t("col.city", lang)),
                col("aqi_days", lang, "int"),
                col("good_days", lang, "int"),
                col("good_days_ratio", lang, "percent", digits=1),
                col(
                    "target_ratio",
                    lang,
                    "percent",
                    digits=1,
                    label=t("col.target_ratio", lang, edition=target["edition"] if target else ""),
                ),
                col("meets_target", lang),
                col("days_valid", lang, "bool"),
            ],
            cities,
            src,
            keep=("unit", "city"),
        )
    )
    good.figures.append(
        Figure(
            id="chart-good-days",
            title=t("fig.good_days", lang, year=year),
            kind="chart",
            png_base64=charts.bar_chart(
                [str(r["unit_name"]) for r in cities],
                [
                    None if r["good_days_ratio"] is None else 100 * r["good_days_ratio"]
                    for r in cities
                ],
                title=t("fig.good_days", lang, year=year),
                ylabel="%",
                target=line,
                target_label=t("legend.target", lang, value=line if line is not None else ""),
            ),
            source=src,
        )
    )
    pol = Section(id="pollutants", title=t("section.pollutants", lang))
    # as rounded by HJ 663 数据修约 (hj663_2013_rounding.yaml): µg/m³ integers, CO 0.1 mg/m³;
    # the 24-hour percentiles beside the means: both decide compliance (hj663_2013_compliance.yaml)
    pcols = [
        col("so2_annual_mean", lang, "float", digits=0),
        col("so2_p98", lang, "float", digits=0),
        col("no2_annual_mean", lang, "float", digits=0),
        col("no2_p98", lang, "float", digits=0),
        col("pm10_annual_mean", lang, "float", digits=0),
        col("pm10_p95", lang, "float", digits=0),
        col("pm2_5_annual_mean", lang, "float", digits=0),
        col("pm2_5_p95", lang, "float", digits=0),
        col("co_p95", lang, "float", digits=1),
        col("o3_8h_p90", lang, "float", digits=0),
        col("composite_index", lang, "float", digits=2),
        col("complies_grade_ii", lang, "bool"),
    ]
    pol.tables.append(
        table(
            "pollutants-city",
            t("table.pollutants_city", lang),
            [col("unit_name", lang, label=t("col.city", lang)), *pcols],
            cities,
            src,
            note=t("note.air_units", lang),
            keep=("unit", "city"),
        )
    )
    pol.tables.append(
        table(
            "stations",
            t("table.stations", lang),
            [
                col("unit_name", lang, label=t("col.station", lang)),
                col("city_name", lang, label=t("col.city", lang)),
                col("good_days_ratio", lang, "percent", digits=1),
                *pcols,
            ],
            stations,
            src,
            keep=("unit", "city"),
        )
    )
    pol.figures.append(_station_map(stations, year, src, lang))
    levels, ranking = _levels_and_ranking(year, recs, url, req.region, lang)
    report.methods.append(t("method.air_ranking", lang))
    report.sections = [ed, good, levels, ranking, pol]
    return report


#: How the reports print HJ 633's primary-pollutant labels.
PRIMARY_LABELS = {"O3_8h": "O3-8h", "O3_1h": "O3-1h"}


def _levels_and_ranking(
    year: int, recs: list[dict[str, Any]], url: str | None, region: str | None, lang: Lang
) -> tuple[Section, Section]:
    """Days at each AQI level and primary pollutants; ranking by 综合指数 and its change."""
    import pandas as pd

    frames = {}
    for kind in ("hourly", "daily"):
        try:
            frames[kind] = env_store.air_frame(kind, url, year=year)
        except NotFoundError:
            frames[kind] = None
    days = bulletins.city_daily_aqi(frames["hourly"], frames["daily"], file="store")
    level_recs = region_filter(records_of(bulletins.aqi_level_days(days)), region, ("city",))
    primary_keys = sorted({k for r in level_recs for k in r if k.startswith("primary_")})
    for r in level_recs:
        r["city_name"] = region_name(r["city"], lang)
    src = t("src.air", lang)
    lv = Section(id="levels", title=t("section.aqi_levels", lang))
    heavy = sum(int(r["heavy_days"]) for r in level_recs)
    lv.paragraphs.append(t("para.aqi_levels", lang, year=year, n=len(level_recs), heavy=heavy))
    lv.paragraphs.append(t("para.dust", lang))
    lv.tables.append(
        table(
            "aqi-levels",
            t("table.aqi_levels", lang),
            [
                col("city_name", lang, label=t("col.city", lang)),
                col("days", lang, "int", label=t("col.aqi_days", lang)),
                *[col(f"level_{k}", lang, "int") for k in range(1, 7)],
                col("heavy_days", lang, "int"),
            ],
            level_recs,
            src,
            keep=("city",),
        )
    )
    lv.tables.append(
        table(
            "primary-pollutants",
            t("table.primary_pollutants", lang),
            [col("city_name", lang, label=t("col.city", lang))]
            + [
                col(
                    k,
                    lang,
                    "int",
                    label=PRIMARY_LABELS.get(
                        k.removeprefix("primary_"), k.removeprefix("primary_")
                    ),
                )
                for k in primary_keys
            ],
            level_recs,
            src,
            note=t("note.primary", lang),
            keep=("city",),
        )
    )
    now = pd.DataFrame(recs)
    try:
        before = env_store.air_annual(year - 1, url=url)
    except NotFoundError:
        before = None
    rank_recs = region_filter(
        records_of(bulletins.composite_ranking(now, before)), region, ("city",)
    )
    for r in rank_recs:
        r["city_name"] = region_name(r["city"], lang)
        r["change_pct"] = None if r["change_rate"] is None else 100 * r["change_rate"]
    rk = Section(id="ranking", title=t("section.air_ranking", lang))
    if rank_recs:
        best = [r["city_name"] for r in rank_recs if r["rank"] == 1]
        worst_rank = max(r["rank"] for r in rank_recs)
        worst = [r["city_name"] for r in rank_recs if r["rank"] == worst_rank]
        sep = "、" if lang == "zh" else ", "
        rk.paragraphs.append(
            t(
                "para.air_ranking",
                lang,
                year=year,
                best=sep.join(best),
                worst=sep.join(worst),
                before=year - 1,
                compared=t("para.no_previous_year", lang, year=year - 1) if before is None else "",
            )
        )
    rk.tables.append(
        table(
            "composite-ranking",
            t("table.air_ranking", lang),
            [
                col("rank", lang, "int"),
                col("city_name", lang, label=t("col.city", lang)),
                col("composite_index", lang, "float", digits=2),
                col("composite_index_before", lang, "float", digits=2),
                col("change_pct", lang, "float", digits=1),
                col("change_rank", lang, "int"),
            ],
            rank_recs,
            src,
            note=t("method.air_ranking", lang),
            keep=("city",),
        )
    )
    return lv, rk


_RATIO_BINS = ((0.8, "#E60012"), (0.9, "#F5C400"), (1.01, "#1FAE52"))


def _station_map(stations: list[dict[str, Any]], year: int, src: str, lang: Any) -> Figure:
    info = env_store.bundled_stations().set_index("id")
    points = []
    for r in stations:
        code = str(r["unit"])
        if code not in info.index:
            continue
        ratio = r["good_days_ratio"]
        colour = charts.NO_DATA_COLOUR
        if ratio is not None:
            colour = next(c for b, c in _RATIO_BINS if ratio < b)
        points.append(
            maps.MapPoint(
                lon=float(info.at[code, "lon"]), lat=float(info.at[code, "lat"]), colour=colour
            )
        )
    title = t("fig.station_map", lang, year=year)
    legend = [("< 80%", "#E60012"), ("80–90%", "#F5C400"), ("≥ 90%", "#1FAE52")]
    return Figure(
        id="map-stations",
        title=title,
        kind="map",
        png_base64=maps.point_map(
            points, legend=legend, lang=lang, legend_title=t("map.good_days", lang)
        ),
        source=maps.map_source(lang, src, t("src.air_stations", lang), t("map.src_stations", lang)),
    )
