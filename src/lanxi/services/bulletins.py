"""Figures of the published bulletins that the plain assessments do not give.

A provincial monthly 地表水环境质量状况通报 states, for the month and for the year so far (1—N月):
the share of sections in Ⅰ–Ⅲ and in 劣Ⅴ and their change against the same period a year before
(同比) and against the month before (环比) in 百分点; the main pollutants by 断面超标率; each
section's class with its class a month and a year before; and the ranking of cities by their water
quality index CWQI with its change (城市地表水环境质量排名技术规定（试行）, 环办监测〔2017〕51号).
This module computes them from the same samples as
:func:`lanxi.services.environment.assessments.water_assess` (one definition per figure: the
reports, the CLI and the API call these functions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd

from lanxi.compute.duplicates import DuplicatePolicy
from lanxi.compute.water.assess import RiverGrade, grade_river, section_classes
from lanxi.compute.water.cwqi import change_rate, rank_ascending, section_cwqi
from lanxi.services.environment import assessments as env
from lanxi.standards.cwqi import cwqi_rules
from lanxi.standards.gb3838 import gb3838_table
from lanxi.standards.hj633 import Edition


@dataclass(frozen=True)
class PeriodSummary:
    """Shares of one period's sections (from :func:`grade_river`), or None when no data."""

    label: str
    grade: RiverGrade | None


@dataclass
class WaterMonthBulletin:
    """Figures of a monthly surface-water bulletin.

    Attributes
    ----------
    month : str
        ``YYYY-MM``.
    periods : dict
        ``month``, ``previous_month``, ``last_year`` (the same month a year before),
        ``cumulative`` (1—N月 of the year: means of all samples from January to the month) and
        ``cumulative_last_year``: each a :class:`~lanxi.compute.water.assess.RiverGrade` (shares of
        Ⅰ–Ⅲ and 劣Ⅴ, 断面超标率, main pollutants) or None without samples.
    sections : pandas.DataFrame
        One row per section of the month: ``section``, ``target_class``, ``water_class`` (month),
        ``previous_class``, ``last_year_class``, ``cumulative_class``, ``meets_target``,
        ``main_pollutants`` (items and multiples against Ⅲ), ``cwqi``.
    cities : pandas.DataFrame
        One row per city: ``city``, ``sections``, ``cwqi``, ``cwqi_last_year``, ``cwqi_change``
        (ΔCWQI as a share), ``rank`` (ascending CWQI, equal values share a rank), ``change_rank``
        (ascending ΔCWQI), ``change_ranked`` (False when all its sections are Ⅱ类 or better in both
        periods and meet their targets: left out of the change ranking).
    """

    month: str
    periods: dict[str, RiverGrade | None] = field(default_factory=dict)
    sections: pd.DataFrame = field(default_factory=pd.DataFrame)
    cities: pd.DataFrame = field(default_factory=pd.DataFrame)


def _classes(data: pd.DataFrame, targets: pd.Series, mask: pd.Series, freq: str) -> pd.DataFrame:
    part = data[mask]
    if part.empty:
        return pd.DataFrame()
    return section_classes(
        part.drop(columns="target_class"),
        freq=freq,  # type: ignore[arg-type]
        target_class=targets,
    )


def _grade(classes: pd.DataFrame) -> RiverGrade | None:
    if classes.empty or classes["water_class"].isna().all():
        return None
    return grade_river(classes)


def water_month_bulletin(
    samples: pd.DataFrame, month: str, *, cities: dict[str, str], file: str = "<input>"
) -> WaterMonthBulletin:
    """The figures of the monthly bulletin of ``month`` (``YYYY-MM``).

    Parameters
    ----------
    samples : pandas.DataFrame
        Water samples (as :func:`lanxi.services.environment.store.samples_frame` gives them).
    month : str
        ``YYYY-MM``.
    cities : dict
        Section id → city name (the sections' city, for the city ranking).
    file : str
        Name used in error messages.
    """
    data = env.water_samples(samples, file)
    targets = env.section_target_classes(data, file)
    p = pd.Period(month, "M")
    per = data["time"].dt.to_period("M")
    year = data["time"].dt.year
    now = _classes(data, targets, per == p, "M")
    prev = _classes(data, targets, per == p - 1, "M")
    last = _classes(data, targets, per == p - 12, "M")
    cum = _classes(data, targets, (year == p.year) & (data["time"].dt.month <= p.month), "Y")
    cum_last = _classes(
        data, targets, (year == p.year - 1) & (data["time"].dt.month <= p.month), "Y"
    )
    out = WaterMonthBulletin(month=month)
    out.periods = {
        "month": _grade(now),
        "previous_month": _grade(prev),
        "last_year": _grade(last),
        "cumulative": _grade(cum),
        "cumulative_last_year": _grade(cum_last),
    }
    if now.empty:
        return out
    table, rules = gb3838_table(), cwqi_rules()
    now = now.reset_index(drop=True)
    now["cwqi"] = section_cwqi(now, table, rules)

    def by_section(frame: pd.DataFrame, col: str) -> dict[str, Any]:
        if frame.empty:
            return {}
        return dict(zip(frame["section"].astype(str), frame[col], strict=True))

    last_cwqi: dict[str, Any] = {}
    if not last.empty:
        last = last.reset_index(drop=True)
        last["cwqi"] = section_cwqi(last, table, rules)
        last_cwqi = by_section(last, "cwqi")
    prev_c, last_c, cum_c = (
        by_section(prev, "water_class"),
        by_section(last, "water_class"),
        by_section(cum, "water_class"),
    )
    cum_last_c = by_section(cum_last, "water_class")
    rows = []
    for r in now.to_dict("records"):
        s = str(r["section"])
        tc = targets.get(s)
        wc = r["water_class"]
        rows.append(
            {
                "section": s,
                "target_class": None if pd.isna(tc) else int(tc),
                "water_class": None if pd.isna(wc) else int(wc),
                "previous_class": _int(prev_c.get(s)),
                "last_year_class": _int(last_c.get(s)),
                "cumulative_class": _int(cum_c.get(s)),
                "cumulative_last_year_class": _int(cum_last_c.get(s)),
                "meets_target": None if pd.isna(wc) or pd.isna(tc) else bool(int(wc) <= int(tc)),
                "main_pollutants": r.get("main_pollutants"),
                "cwqi": r["cwqi"],
                "cwqi_last_year": last_cwqi.get(s),
            }
        )
    out.sections = pd.DataFrame(rows)
    out.cities = _city_ranking(out.sections, cities)
    return out


def _int(v: Any) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def _city_ranking(sections: pd.DataFrame, cities: dict[str, str]) -> pd.DataFrame:
    """Cities by CWQI (mean of their sections'), its change and the two rankings."""
    frame = sections.assign(city=[cities.get(s) for s in sections["section"]])
    frame = frame[frame["city"].notna()]
    rows = []
    for city, g in frame.groupby("city", sort=True):
        now = float(g["cwqi"].mean())
        base_values = g["cwqi_last_year"].dropna()
        base = float(base_values.mean()) if len(base_values) == len(g) else None
        good = all(
            (c is not None and not pd.isna(c) and int(c) <= 2)
            and (lc is not None and not pd.isna(lc) and int(lc) <= 2)
            and bool(m)
            for c, lc, m in zip(
                g["water_class"], g["last_year_class"], g["meets_target"], strict=True
            )
        )
        rows.append(
            {
                "city": str(city),
                "sections": len(g),
                "cwqi": now,
                "cwqi_last_year": base,
                "cwqi_change": change_rate(now, base),
                "change_ranked": not good,
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["rank"] = rank_ascending(out["cwqi"].tolist())
    ranked = [
        c if ok else None for c, ok in zip(out["cwqi_change"], out["change_ranked"], strict=True)
    ]
    out["change_rank"] = rank_ascending(ranked)
    return out.sort_values(["rank", "city"]).reset_index(drop=True)


# ------------------------------------------------------------------------------------- warnings


@dataclass(frozen=True)
class WarningLevelRules:
    """Thresholds of the warning levels (settings ``LANXI_WATER_WARNING_LEVEL1_DECLINE`` …).

    After 长江流域水环境质量监测预警办法（试行）(生态环境部, 2018), 分级: 二级 when the
    section's class of the month **and** its year-to-date class both fell by at least
    ``level2_decline`` classes against the same period a year before, to worse than class
    ``below_class``, and the year-to-date class misses the year's target; 一级 likewise with
    ``level1_decline``. A city takes the highest level of its sections; a section or city no
    longer meeting its level is lifted or adjusted in the next bulletin.
    """

    level1_decline: int = 2
    level2_decline: int = 1
    below_class: int = 3


def warning_level(row: dict[str, Any], rules: WarningLevelRules) -> int | None:
    """The warning level (1 一级, 2 二级) of one section row of :class:`WaterMonthBulletin`."""
    values = [
        row.get(k)
        for k in (
            "water_class",
            "last_year_class",
            "cumulative_class",
            "cumulative_last_year_class",
            "target_class",
        )
    ]
    if any(v is None or pd.isna(v) for v in values):
        return None
    now, then, cum, cum_then, target = (int(v) for v in values if v is not None)
    if not (now > rules.below_class and cum > rules.below_class and cum > target):
        return None
    drop = min(now - then, cum - cum_then)
    if drop >= rules.level1_decline:
        return 1
    if drop >= rules.level2_decline:
        return 2
    return None


def warning_level_rules() -> WarningLevelRules:
    """The warning-level thresholds in force: the one reading of the settings.

    ``LANXI_WATER_WARNING_LEVEL1_DECLINE``, ``LANXI_WATER_WARNING_LEVEL2_DECLINE`` and
    ``LANXI_WATER_WARNING_BELOW_CLASS`` (defaults 2, 1 and Ⅲ, as the 办法 states them). The
    monthly and the quarterly bulletins both read them here.
    """
    from lanxi.settings import get_settings

    st = get_settings()
    return WarningLevelRules(
        level1_decline=st.water_warning_level1_decline,
        level2_decline=st.water_warning_level2_decline,
        below_class=st.water_warning_below_class,
    )


@dataclass
class GradedWarnings:
    """Warning levels of a month or a quarter (:func:`graded_warnings`).

    Attributes
    ----------
    period : str
        ``YYYY-MM`` or ``YYYYQn``.
    months : list of str
        The period's months (``YYYY-MM``).
    rules : WarningLevelRules
        The thresholds applied.
    monthly : pandas.DataFrame
        One row per section and month of the period with samples: ``section``, ``month``,
        ``target_class``, ``water_class`` (the month), ``last_year_class`` (the same month a year
        before), ``cumulative_class`` (1—N月), ``cumulative_last_year_class`` (1—N月 a year
        before) and ``level`` (1 一级, 2 二级 or None) — the facts each level rests on.
    sections : pandas.DataFrame
        One row per section sampled in the period: ``section``, ``level`` (the highest level of
        its months), ``level_month`` (the last month at that level), ``previous_level`` (the same
        for the period before) and ``change``: ``raised`` (发布), ``kept`` (持续), ``up`` (升级),
        ``down`` (降级), ``lifted`` (解除) or None (no warning in either period).
    cities : pandas.DataFrame
        ``city``, ``level``, ``previous_level``, ``change``: the highest level of the city's
        sections.
    """

    period: str
    months: list[str]
    rules: WarningLevelRules
    monthly: pd.DataFrame = field(default_factory=pd.DataFrame)
    sections: pd.DataFrame = field(default_factory=pd.DataFrame)
    cities: pd.DataFrame = field(default_factory=pd.DataFrame)


LEVEL_CLASS_COLUMNS = (
    "water_class",
    "last_year_class",
    "cumulative_class",
    "cumulative_last_year_class",
    "target_class",
)


def _by_section(classes: pd.DataFrame) -> dict[str, Any]:
    if classes.empty:
        return {}
    return dict(zip(classes["section"].astype(str), classes["water_class"], strict=True))


def _period_months(period: str) -> list[pd.Period]:
    p = pd.Period(period, "Q" if "Q" in period.upper() else "M")
    if p.freqstr.startswith("Q"):
        return list(pd.period_range(p.asfreq("M", "s"), p.asfreq("M", "e"), freq="M"))
    return [p]


def _month_levels(
    data: pd.DataFrame,
    targets: pd.Series,
    months: list[pd.Period],
    monthly: pd.DataFrame,
    rules: WarningLevelRules,
) -> list[dict[str, Any]]:
    """The classes and the level of every section sampled in each of ``months``."""
    year = data["time"].dt.year
    month_class = {
        (str(r["section"]), str(r["period"])): r["water_class"] for r in monthly.to_dict("records")
    }
    rows = []
    for p in months:
        sections = sorted({s for s, m in month_class if m == str(p)})
        if not sections:
            continue
        cum = _classes(data, targets, (year == p.year) & (data["time"].dt.month <= p.month), "Y")
        cum_last = _classes(
            data, targets, (year == p.year - 1) & (data["time"].dt.month <= p.month), "Y"
        )
        cum_c, cum_last_c = _by_section(cum), _by_section(cum_last)
        for s in sections:
            tc = targets.get(s)
            row: dict[str, Any] = {
                "section": s,
                "month": str(p),
                "target_class": None if tc is None or pd.isna(tc) else int(tc),
                "water_class": _int(month_class.get((s, str(p)))),
                "last_year_class": _int(month_class.get((s, str(p - 12)))),
                "cumulative_class": _int(cum_c.get(s)),
                "cumulative_last_year_class": _int(cum_last_c.get(s)),
            }
            row["level"] = warning_level(row, rules)
            rows.append(row)
    return rows


def graded_warnings(
    samples: pd.DataFrame,
    period: str,
    *,
    cities: dict[str, str],
    rules: WarningLevelRules | None = None,
    file: str = "<input>",
    duplicates: DuplicatePolicy = "refuse",
) -> GradedWarnings:
    """Warning levels of every section and city in a month or a quarter, raised and lifted.

    The one definition of the water-quality warning that the monthly bulletin
    (``period`` = ``YYYY-MM``) and the quarterly warning bulletin (``YYYYQn``) both print.
    Rule (长江流域水环境质量监测预警办法（试行）, 生态环境部 2018; :func:`warning_level`): each
    section's level in each month of the period from the month's class and its 1—N月 class
    against the same period a year before and the year's target; a section's level in the period
    is the highest of its months'; a city takes the highest level of its sections; a level no
    longer reached in the next period is lifted (解除) or adjusted (升级 / 降级) there — the
    ``change`` against the period before (the month before, or the quarter before).

    Parameters
    ----------
    samples : pandas.DataFrame
        Water samples (as :func:`lanxi.services.environment.store.samples_frame` gives them).
    period : str
        ``YYYY-MM`` or ``YYYYQn``.
    cities : dict
        Section id → city name.
    rules : WarningLevelRules, optional
        Thresholds; default :func:`warning_level_rules` (the settings).
    file : str
        Name used in error messages.
    duplicates : {"refuse", "first", "last", "mean"}
        Samples repeating a section and time (as :func:`.environment.assessments.water_classify`).
    """
    rules = warning_level_rules() if rules is None else rules
    data = env.water_samples(samples, file, duplicates=duplicates)
    targets = env.section_target_classes(data, file)
    months = _period_months(period)
    before = [m - len(months) for m in months]
    wanted = {*months, *before}
    wanted |= {m - 12 for m in wanted}
    per = data["time"].dt.to_period("M")
    monthly = _classes(data, targets, per.isin(list(wanted)), "M")
    if not monthly.empty:
        monthly = monthly.assign(period=monthly["period"].astype(str))
    now_rows = _month_levels(data, targets, months, monthly, rules)
    before_rows = _month_levels(data, targets, before, monthly, rules)
    out = GradedWarnings(period=period, months=[str(m) for m in months], rules=rules)
    out.monthly = pd.DataFrame(now_rows)
    if not now_rows:
        return out

    def highest(rows: list[dict[str, Any]]) -> dict[str, tuple[int | None, str | None]]:
        best: dict[str, tuple[int | None, str | None]] = {}
        for r in rows:
            lv, (cur, _) = r["level"], best.get(r["section"], (None, None))
            if r["section"] not in best or (lv is not None and (cur is None or lv <= cur)):
                best[r["section"]] = (lv, r["month"] if lv is not None else None)
        return best

    now, prev = highest(now_rows), highest(before_rows)
    out.sections = pd.DataFrame(
        [
            {
                "section": s,
                "level": lv,
                "level_month": m,
                "previous_level": prev.get(s, (None, None))[0],
                "change": _change(lv, prev.get(s, (None, None))[0]),
            }
            for s, (lv, m) in now.items()
        ]
    )
    out.cities = city_warning_levels(out.sections, cities)
    return out


def _change(level: int | None, previous: int | None) -> str | None:
    if level is None and previous is None:
        return None
    if previous is None:
        return "raised"
    if level is None:
        return "lifted"
    if level == previous:
        return "kept"
    return "up" if level < previous else "down"


def _top(values: pd.Series) -> int | None:
    vals = [int(v) for v in values if v is not None and not pd.isna(v)]
    return min(vals) if vals else None


def city_warning_levels(sections: pd.DataFrame, cities: dict[str, str]) -> pd.DataFrame:
    """A city's level: the highest (smallest number) of its sections', now and the month before."""
    rows = []
    frame = sections.assign(city=[cities.get(s) for s in sections["section"]])
    for city, g in frame.dropna(subset=["city"]).groupby("city", sort=True):
        lv, prev = _top(g["level"]), _top(g["previous_level"])
        rows.append(
            {"city": str(city), "level": lv, "previous_level": prev, "change": _change(lv, prev)}
        )
    return pd.DataFrame(rows)


#: Words of the warning levels and their changes on every surface (the reports' catalogue
#: repeats them: ``warning_level.*`` and ``warning_change.*`` of ``reports/messages.yaml``).
WARNING_LEVEL_WORDS = {1: {"zh": "一级", "en": "Level 1"}, 2: {"zh": "二级", "en": "Level 2"}}
WARNING_CHANGE_WORDS = {
    "raised": {"zh": "发布预警", "en": "Raised"},
    "kept": {"zh": "继续预警", "en": "Kept"},
    "up": {"zh": "升级", "en": "Raised a level"},
    "down": {"zh": "降级", "en": "Lowered a level"},
    "lifted": {"zh": "解除预警", "en": "Lifted"},
}


def section_cities(samples: pd.DataFrame) -> dict[str, str]:
    """Section id → city name: the samples' ``city`` column where given, else the bundled list's.

    The store's samples carry their section's city (:func:`.environment.store.samples_frame`);
    a file without a ``city`` column takes the bundled sections' cities.
    """
    from lanxi.services.environment import store as env_store

    out = {
        str(r["id"]): str(r["city"])
        for r in env_store.bundled_sections().to_dict("records")
        if r.get("city")
    }
    if "city" in samples:
        for sec, city in zip(samples["section"].astype(str), samples["city"], strict=True):
            if isinstance(city, str) and city.strip():
                out[sec] = city.strip()
    return out


def warning_records(
    samples: pd.DataFrame,
    period: str,
    *,
    rules: WarningLevelRules | None = None,
    file: str = "<input>",
    duplicates: DuplicatePolicy = "refuse",
) -> list[dict[str, Any]]:
    """The graded water-quality warnings of a quarter or a month as records, sections then cities.

    What ``lanxi water warnings``, ``/api/v1/water/warnings`` and the dashboard show: the levels of
    :func:`graded_warnings` (the monthly and the quarterly bulletins' rule) with the thresholds in
    force (:func:`warning_level_rules`, settings ``LANXI_WATER_WARNING_LEVEL*``) on every row.

    Parameters
    ----------
    samples : pandas.DataFrame
        Water samples (a file's or the store's).
    period : str
        ``YYYYQn`` or ``YYYY-MM``.
    rules : WarningLevelRules, optional
        Thresholds; default the settings.
    file : str
        Name used in error messages.
    duplicates : {"refuse", "first", "last", "mean"}
        Samples repeating a section and time.

    Returns
    -------
    list of dict
        One row per section sampled in the period (``scope`` = ``section``), then one per city
        (``scope`` = ``city``): ``scope``, ``unit`` (section id or city name), ``unit_name``,
        ``city``, ``period``, ``warning_level`` (1 一级, 2 二级 or None), ``warning_level_zh`` /
        ``_en``, ``previous_level`` (the period before), ``change`` (``raised``, ``kept``,
        ``up``, ``down``, ``lifted`` or None) with ``change_zh`` / ``_en``; for sections the
        month the level rests on (``level_month``: the last month at the period's level, else
        the period's last month sampled) and its classes (``target_class``, ``water_class``,
        ``last_year_class``, ``cumulative_class``, ``cumulative_last_year_class``; 1–6 = Ⅰ…劣Ⅴ);
        and the thresholds ``level1_decline``, ``level2_decline``, ``below_class``.

    Raises
    ------
    lanxi.errors.ValidationError
        When no section was sampled in the period.
    """
    from lanxi.errors import Problem, ValidationError

    cities = section_cities(samples)
    levels = graded_warnings(
        samples, period, cities=cities, rules=rules, file=file, duplicates=duplicates
    )
    if levels.monthly.empty:
        raise ValidationError([Problem(file, None, "time", f"no samples in {period}")])
    r = levels.rules
    thresholds = {
        "level1_decline": r.level1_decline,
        "level2_decline": r.level2_decline,
        "below_class": r.below_class,
    }
    names = env_section_names()
    facts: dict[str, dict[str, Any]] = {}
    for f in levels.monthly.to_dict("records"):
        facts.setdefault(str(f["section"]), {})[str(f["month"])] = f

    def words(level: Any, change: Any) -> dict[str, Any]:
        lv = None if level is None or pd.isna(level) else int(level)
        ch = None if change is None or (not isinstance(change, str) and pd.isna(change)) else change
        return {
            "warning_level": lv,
            "warning_level_zh": None if lv is None else WARNING_LEVEL_WORDS[lv]["zh"],
            "warning_level_en": None if lv is None else WARNING_LEVEL_WORDS[lv]["en"],
            "change": ch,
            "change_zh": None if ch is None else WARNING_CHANGE_WORDS[ch]["zh"],
            "change_en": None if ch is None else WARNING_CHANGE_WORDS[ch]["en"],
        }

    rows: list[dict[str, Any]] = []
    for sr in levels.sections.to_dict("records"):
        sec = str(sr["section"])
        months = facts.get(sec, {})
        month = sr["level_month"] if isinstance(sr["level_month"], str) else max(months)
        f = months.get(month, {})
        prev = sr["previous_level"]
        rows.append(
            {
                "scope": "section",
                "unit": sec,
                "unit_name": names.get(sec, sec),
                "city": cities.get(sec),
                "period": period,
                **words(sr["level"], sr["change"]),
                "previous_level": None if prev is None or pd.isna(prev) else int(prev),
                "level_month": month,
                **{k: _int(f.get(k)) for k in LEVEL_CLASS_COLUMNS},
                **thresholds,
            }
        )
    rows.sort(key=lambda x: (x["warning_level"] or 9, x["unit"]))
    city_rows = []
    for cr in levels.cities.to_dict("records"):
        prev = cr["previous_level"]
        city_rows.append(
            {
                "scope": "city",
                "unit": cr["city"],
                "unit_name": cr["city"],
                "city": cr["city"],
                "period": period,
                **words(cr["level"], cr["change"]),
                "previous_level": None if prev is None or pd.isna(prev) else int(prev),
                "level_month": None,
                **dict.fromkeys(LEVEL_CLASS_COLUMNS),
                **thresholds,
            }
        )
    city_rows.sort(key=lambda x: (x["warning_level"] or 9, x["unit"]))
    return rows + city_rows


def env_section_names() -> dict[str, str]:
    """Section id → its Chinese name (the bundled sections)."""
    from lanxi.services.environment import store as env_store

    return {str(r["id"]): str(r["name"]) for r in env_store.bundled_sections().to_dict("records")}


# ------------------------------------------------------------------------------------------ air

#: AQI levels of HJ 633 (1 优 … 6 严重污染); 重度污染 and worse count as heavily polluted days.
HEAVY_LEVEL = 5


def city_daily_aqi(
    hourly: pd.DataFrame | None,
    daily: pd.DataFrame | None,
    *,
    edition: Edition | None = None,
    file: str = "<input>",
) -> pd.DataFrame:
    """Daily AQI of each city, on the same city-days as the annual evaluation.

    The station-days are those of :func:`lanxi.services.environment.assessments.air_annual`
    (hourly first, a stored daily value only for a station-day without hourly data); a city's
    daily value of each pollutant is the mean of its stations'
    (:func:`lanxi.compute.air.annual.city_daily`); the AQI, its level and the primary pollutant
    are HJ 633's (:func:`lanxi.compute.air.compute_aqi`).

    Returns
    -------
    pandas.DataFrame
        ``city``, ``time``, ``aqi``, ``level`` (1–6), ``primary_pollutant``.
    """
    from lanxi.compute.air import compute_aqi
    from lanxi.compute.air.annual import city_daily

    if hourly is None and daily is None:
        return pd.DataFrame(columns=["city", "time", "aqi", "level", "primary_pollutant"])
    # the station-days of the annual evaluation: the one hours-first rule (env.station_days)
    days = env.station_days(
        hourly if hourly is not None else daily,
        daily if hourly is not None else None,
        kind="hourly" if hourly is not None else "daily",
        edition=edition,
        file=file,
    ).dropna(subset=["city"])
    per_city = city_daily(days)
    out = []
    for _year, part in per_city.groupby(per_city["time"].dt.year):
        cols = [c for c in ("so2", "no2", "co", "pm10", "pm2_5", "o3_1h", "o3_8h") if c in part]
        res = compute_aqi(
            part[["city", "time", *cols]].rename(columns={"city": "station"}),
            kind="daily",
            edition=edition,  # None: the edition in force on each day, as the calendar
            validate=False,
        )
        out.append(
            pd.DataFrame(
                {
                    "city": part["city"].to_numpy(),
                    "time": part["time"].to_numpy(),
                    "aqi": res["aqi"].to_numpy(),
                    "level": res["level"].to_numpy(),
                    "primary_pollutant": res["primary_pollutant"].astype(object).to_numpy(),
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def aqi_level_days(days: pd.DataFrame) -> pd.DataFrame:
    """Days of each AQI level per city, heavily polluted days and primary pollutants by days.

    Returns
    -------
    pandas.DataFrame
        ``city``, ``days`` (with an AQI), ``level_1`` … ``level_6``, ``heavy_days`` (level ≥ 5,
        重度污染 and 严重污染), and ``primary_<label>``: days on which each pollutant was (one of)
        the primary pollutant(s) (days with AQI > 50; a day with two counts for both).
    """
    rows = []
    for city, g in days.dropna(subset=["aqi"]).groupby("city", sort=True):
        levels = pd.to_numeric(g["level"], errors="coerce")
        row: dict[str, Any] = {"city": str(city), "days": len(g)}
        for k in range(1, 7):
            row[f"level_{k}"] = int((levels == k).sum())
        row["heavy_days"] = int((levels >= HEAVY_LEVEL).sum())
        counts: dict[str, int] = {}
        for p in g["primary_pollutant"].dropna():
            for label in str(p).split(";"):
                if label:
                    counts[label] = counts.get(label, 0) + 1
        for label, n in counts.items():
            row[f"primary_{label}"] = n
        rows.append(row)
    return pd.DataFrame(rows)


def composite_ranking(now: pd.DataFrame, before: pd.DataFrame | None) -> pd.DataFrame:
    """Cities ranked by 综合指数 and by its change rate (城市环境空气质量排名技术规定).

    Parameters
    ----------
    now, before : pandas.DataFrame
        City rows of :func:`lanxi.services.environment.store.air_annual` of the year and of the year
        before (None when the store has none).

    Returns
    -------
    pandas.DataFrame
        ``city``, ``composite_index``, ``rank`` (from the smallest; equal values share a rank),
        ``composite_index_before``, ``change_rate`` ((I − I_before)/I_before, a share; > 0 worse),
        ``change_rank`` (from the smallest change; cities whose every pollutant meets grade Ⅱ in
        the year are left out of the ranking of deterioration, i.e. get no rank when worse).
    """
    cities = now[now["level"] == "city"]
    prev: dict[str, float] = {}
    if before is not None:
        b = before[before["level"] == "city"]
        prev = dict(zip(b["unit"].astype(str), b["composite_index"], strict=True))
    rows = []
    for r in cities.to_dict("records"):
        base = prev.get(str(r["unit"]))
        rate = change_rate(r["composite_index"], base)
        rows.append(
            {
                "city": str(r["unit"]),
                "composite_index": r["composite_index"],
                "composite_index_before": base,
                "change_rate": rate,
                "complies_grade_ii": bool(r["complies_grade_ii"]),
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["rank"] = rank_ascending(out["composite_index"].tolist())
    ranked = [
        None if rate is None or (ok and rate > 0) else rate
        for rate, ok in zip(out["change_rate"], out["complies_grade_ii"], strict=True)
    ]
    out["change_rank"] = rank_ascending(ranked)
    return out.sort_values(["rank", "city"]).reset_index(drop=True)


# ----------------------------------------------------------------------------------- evaluation

#: Statuses that call for a statement of a problem and a recommendation (the others do not).
#: target_missed: main's verdict of a target whose year has passed and whose value misses it
PROBLEM_STATUSES = ("target_missed", "deterioration", "limited_progress", "needs_acceleration")


@dataclass(frozen=True)
class Finding:
    """One sentence of 存在的问题 or 下一步建议, with the figures it states (its trace)."""

    kind: str  # "target" or "tasks"
    rule: str  # the rule that produced it
    figures: dict[str, Any]


def verdict(status: str | None, latest_value: float | None, final: bool) -> str:
    """A target's verdict: at the plan's end (``final``) 完成 / 未完成 / 无数据, else its status.

    Rule: at the end a target is 完成 when its status is ``target_met`` (the latest approved value
    reaches the target), 未完成 otherwise, 无数据 without any approved value; before the end the
    verdict is the progress status (Open SDG method).
    """
    if latest_value is None:
        return "no_data" if final else (status or "insufficient_data")
    if not final:
        return status or "insufficient_data"
    return "completed" if status == "target_met" else "not_completed"


def evaluation_findings(result: dict[str, Any]) -> tuple[list[Finding], list[Finding]]:
    """存在的问题 and 下一步建议 of an evaluation result set, each from explicit rules.

    Rules (each finding carries the figures it states):

    * T1 (problem): a target whose status is target missed (its year has passed), deterioration,
      limited progress or needs acceleration — its latest value and period, the target and its
      year, the gap — stated as a shortfall (尚差) only when ``shortfall`` > 0 (short of the
      target in the indicator's desired direction), otherwise as the margin beyond it (超过目标);
      recommendation R1: the same target, with the yearly change still needed
      (``required_rate`` as the method computes it).
    * K1 (problem): task assignments overdue or stalled — their numbers out of all assignments;
      recommendation R2: the same numbers.
    """
    problems: list[Finding] = []
    advice: list[Finding] = []
    order = {s: i for i, s in enumerate(PROBLEM_STATUSES)}
    rows = [r for r in result["targets"] if r.get("status") in order]
    rows.sort(key=lambda r: (order[r["status"]], str(r["target_id"])))
    for r in rows:
        figures = {
            k: r.get(k)
            for k in (
                "target_id",
                "name",
                "indicator_id",
                "region_code",
                "unit",
                "latest_value",
                "latest_period",
                "target_value",
                "target_year",
                "gap",
                "shortfall",
                "status",
                "required_rate",
                "actual_rate",
            )
        }
        problems.append(Finding("target", "T1", figures))
        advice.append(Finding("target", "R1", figures))
    s = result["summary"]
    if s.get("tasks_overdue") or s.get("tasks_stalled"):
        figures = {
            "assignments": s["task_assignments"],
            "completed": s["tasks_completed"],
            "overdue": s["tasks_overdue"],
            "stalled": s["tasks_stalled"],
        }
        problems.append(Finding("tasks", "K1", figures))
        advice.append(Finding("tasks", "R2", figures))
    return problems, advice


@cache
def _indicator_attributes() -> dict[str, dict[str, str]]:
    from importlib import resources

    import yaml

    text = (resources.files("lanxi.data.plans") / "indicator_attributes.yaml").read_text("utf-8")
    return {str(r["indicator"]): r for r in yaml.safe_load(text)}


def target_attribute(indicator_id: str | None, nature: str | None = None) -> dict[str, Any]:
    """约束性 / 预期性 of a target: the plan's mark, else the national outline's for its indicator.

    Rule: a target whose plan marks it (``nature``) keeps that (``basis`` = ``plan``); otherwise
    the attribute the 十四五 outline's 表1 gives the same indicator or its national analogue
    (``indicator_attributes.yaml``, ``basis`` = ``same`` / ``analogue``); otherwise
    ``unmarked``.

    Returns
    -------
    dict
        ``attribute`` (``binding``, ``expected`` or ``unmarked``), ``basis`` and
        ``outline_indicator`` (the outline's indicator, or None).
    """
    if nature in ("binding", "expected"):
        return {"attribute": nature, "basis": "plan", "outline_indicator": None}
    r = _indicator_attributes().get(str(indicator_id))
    if r is None:
        return {"attribute": "unmarked", "basis": None, "outline_indicator": None}
    return {
        "attribute": str(r["attribute"]),
        "basis": str(r["basis"]),
        "outline_indicator": str(r["outline_indicator"]),
    }


def project_counts(projects: list[dict[str, Any]]) -> dict[str, int]:
    """Key projects of a plan by the stage its text sets (``status``: proposed … complete)."""
    out: dict[str, int] = {}
    for p in projects:
        k = str(p.get("status") or "unknown")
        out[k] = out.get(k, 0) + 1
    order = {k: i for i, k in enumerate(PROJECT_STAGES)}
    return dict(sorted(out.items(), key=lambda kv: order.get(kv[0], len(order))))


#: The stages a plan's text sets for a key project, in the order of a project's life
#: (``projects.yaml``: the verb of the item), then a project whose text sets none.
PROJECT_STAGES = ("proposed", "preparatory", "start", "ongoing", "upgrade", "complete", "unknown")
