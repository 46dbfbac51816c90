r"""Annual evaluation of ambient air quality per station and per city (HJ 663-2013).

Pure computation over a frame of **daily** values (one row per station and day, as made by
:func:`lanxi.compute.air.daily_from_hourly`): nothing here reads files, the database or settings.
Limits and validity minima come from :mod:`lanxi.standards.hj633` (GB 3095 表1 and 表4).

Method ``"hj663_2013"`` — 环境空气质量评价技术规范（试行） HJ 663-2013:

* annual statistics: the arithmetic **annual means** of SO2, NO2, PM10 and PM2.5; the **95th
  percentile of the CO 24-hour means**; the **90th percentile of the O3 daily maximum 8-hour
  means**;
* percentile (HJ 663-2013, 百分位数计算方法): sort the n valid daily values ascending
  :math:`X_{(1)} \le … \le X_{(n)}`, :math:`k = 1 + (n - 1)\,p`, :math:`s` the integer part of
  :math:`k`, :math:`m_p = X_{(s)} + (X_{(s+1)} - X_{(s)})(k - s)` — numpy's ``"linear"`` method;
* validity: an annual statistic needs at least ``annual_min_days`` (324) valid daily values a
  year and ``month_min_days`` (27; February ``february_min_days``, 25) in every month (GB 3095
  表4, 年平均);
* compliance (:func:`lanxi.standards.hj663.compliance_rules`, ``hj663_2013_compliance.yaml``): a
  pollutant complies when **each** of its statistics is within the GB 3095 grade Ⅱ limit of the same
  averaging time — SO2 and NO2 the annual mean (年平均 limit) and the 98th percentile of the
  24-hour means (日平均 limit), PM10 and PM2.5 the annual mean and the 95th percentile, CO the
  95th percentile, O3 the 90th percentile of the daily maximum 8-hour means; the year complies
  when all six pollutants do, each valid (``≤``). The text of HJ 663-2013 was not available: the
  percentiles rest on secondary sources named in the data file, and the rule applied is written
  into every row (``compliance_rule``);
* good-days ratio (优良天数比例): days with AQI ≤ 100 over days with an AQI — a day whose AQI
  HJ 633-2026 5.3.1 withholds (a pollutant missing, AQI ≤ 100) has none, so it is in neither;
* comprehensive index (环境空气质量综合指数, 城市环境空气质量排名技术规定, 环办监测〔2018〕19号):
  :math:`I = \sum_i C_i / S_i` over the six pollutants, :math:`C_i` the annual statistic above and
  :math:`S_i` the grade Ⅱ limit of the same averaging time;
* rounding (数据修约, GB/T 8170 half to even, :func:`lanxi.standards.hj663.rounding_rules`): the
  statistics are reported rounded (µg/m³ to integers, CO to 0.1 mg/m³) and compliance is judged on
  the rounded values; :math:`I` is the sum of the unrounded :math:`C_i/S_i` of the rounded
  statistics, rounded to two decimals; the good-days ratio is rounded to 0.1 %. The unrounded
  values stay in ``*_raw`` columns.

A city's daily value of a pollutant is the arithmetic mean of its stations' valid daily values
(HJ 663-2013, 城市点位); its annual statistics and AQI are computed from those city days.

The 2026 revision of HJ 663 was not available here; the 2013 method is implemented and selected by
``method``; :data:`METHODS` is the registry a later method joins.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import numpy as np
import pandas as pd

from lanxi.compute.air.aqi import round_gbt8170
from lanxi.compute.gbt8170 import mean_half_even, percentile_half_even
from lanxi.standards.hj633 import (
    Edition,
    ValidityRules,
    edition_for,
    limits,
    validity_rules,
)
from lanxi.standards.hj663 import (
    ComplianceRules,
    StatisticRounding,
    compliance_rules,
    rounding_rules,
)

#: Pollutants of the annual evaluation and the daily column each statistic is computed from.
STATISTICS: dict[str, tuple[str, str, float | None]] = {
    # name: (daily column, GB 3095 表1 averaging key, percentile or None for the mean)
    "so2": ("so2", "annual", None),
    "no2": ("no2", "annual", None),
    "pm10": ("pm10", "annual", None),
    "pm2_5": ("pm2_5", "annual", None),
    "co": ("co", "daily", 0.95),
    "o3_8h": ("o3_8h", "o3_8h_daily_max", 0.90),
}

Stage = Literal["transitional", "final"]


def hj663_percentile(values: np.ndarray, p: float) -> float:
    """Percentile of valid values by HJ 663-2013: ``k = 1 + (n-1)p``, linear between order stats.

    Parameters
    ----------
    values : numpy.ndarray
        Values; NaN is ignored.
    p : float
        Fraction in [0, 1], e.g. 0.95.

    Returns
    -------
    float
        NaN when no value is valid.

    Examples
    --------
    >>> hj663_percentile(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), 0.9)  # k = 4.6 → 4 + 0.6
    4.6
    """
    x = np.sort(values[~np.isnan(values)])
    n = x.size
    if n == 0:
        return float("nan")
    k = 1.0 + (n - 1) * p
    s = int(np.floor(k))
    if s >= n:
        return float(x[-1])
    return float(x[s - 1] + (x[s] - x[s - 1]) * (k - s))


@dataclass(frozen=True)
class AnnualLimits:
    """GB 3095 grade Ⅱ limits of the six annual statistics, with the edition they come from."""

    edition: Edition
    values: dict[str, float]
    citation: str


def annual_limits(
    edition: Edition, *, grade: str = "II", stage: Stage = "transitional"
) -> AnnualLimits:
    """The GB 3095 limit :math:`S_i` of each annual statistic (µg/m³; CO mg/m³).

    Parameters
    ----------
    edition : {"2012", "2026"}
    grade : {"I", "II"}
    stage : {"transitional", "final"}
        GB 3095-2026 only: 过渡阶段 (to 2030-12-31) or final limits.
    """
    table = limits(edition)
    pollutants = table.data["pollutants"]
    out: dict[str, float] = {}
    for name, (_col, key, _p) in STATISTICS.items():
        entry = pollutants["o3" if name == "o3_8h" else name][key]
        if "transitional" in entry:
            entry = entry[stage]
        out[name] = float(entry[grade])
    return AnnualLimits(edition=edition, values=out, citation=table.citation)


def statistic_limit(
    edition: Edition,
    pollutant: str,
    averaging: str,
    *,
    grade: str = "II",
    stage: Stage = "transitional",
) -> float:
    """The GB 3095 表1 limit of one pollutant and averaging time (µg/m³; CO mg/m³).

    Parameters
    ----------
    edition : {"2012", "2026"}
    pollutant : str
        ``so2`` … ``pm2_5``, or ``o3_8h``.
    averaging : {"annual", "daily", "o3_8h_daily_max"}
    grade, stage
        As in :func:`annual_limits`.

    Examples
    --------
    >>> statistic_limit("2012", "pm2_5", "daily"), statistic_limit("2026", "pm2_5", "daily")
    (75.0, 60.0)
    """
    entry = limits(edition).data["pollutants"]["o3" if pollutant == "o3_8h" else pollutant]
    entry = entry[averaging]
    if "transitional" in entry:
        entry = entry[stage]
    return float(entry[grade])


def _reported(values: np.ndarray, p: float | None, decimals: int) -> float:
    """An annual statistic as reported: rounded per GB/T 8170 on the exact decimal value.

    The mean or HJ 663 percentile of the written daily values is a fraction; it is rounded as
    that fraction (:mod:`lanxi.compute.gbt8170`), so neither float noise nor a hair above a tie
    changes the reported value.
    """
    if p is None:
        return mean_half_even(values, decimals)
    return percentile_half_even(values, round(p * 100), decimals)


def _fraction(value: float) -> Fraction:
    """The decimal a float was written as (its shortest repr), as an exact fraction."""
    return Fraction(Decimal(repr(float(value))))


def round_statistic(value: float, decimals: int) -> float:
    """Round one statistic per GB/T 8170 (half to even); NaN stays NaN.

    Examples
    --------
    >>> round_statistic(35.5, 0), round_statistic(34.5, 0), round_statistic(3.468, 1)
    (36.0, 34.0, 3.5)
    """
    if np.isnan(value):
        return float("nan")
    return float(round_gbt8170(np.array([value], dtype=np.float64), decimals)[0])


def good_days_percent(good: int, days: int, decimals: int) -> float:
    """优良天数比例 in percent, rounded exactly per GB/T 8170 (half to even); NaN without days.

    The ratio is rounded as a fraction of integers, so no float error decides a tie.

    Examples
    --------
    >>> good_days_percent(2, 3, 1), good_days_percent(1, 16, 1), good_days_percent(3, 16, 1)
    (66.7, 6.2, 18.8)
    """
    if days <= 0:
        return float("nan")
    return _percent_units(good, days, decimals) / 10**decimals


def _percent_units(good: int, days: int, decimals: int) -> int:
    """``100 · good / days`` in units of ``10**-decimals`` %, rounded half to even, exactly."""
    return round(Fraction(100 * 10**decimals * good, days))


def _evaluate_group(
    days: pd.DataFrame,
    lim: AnnualLimits,
    rules: ValidityRules,
    rounding: StatisticRounding | None,
    aqi_col: str,
    time_col: str,
    compliance: ComplianceRules,
    stat_limits: dict[tuple[str, str], float],
) -> dict[str, object]:
    row: dict[str, object] = {}
    months = pd.to_datetime(days[time_col], format="mixed").dt.month.to_numpy()
    month_min = np.full(13, rules.month_min_days)
    month_min[2] = rules.february_min_days
    month_min[0] = 0
    index = 0.0
    index_exact = Fraction(0)  # Σ C_i/S_i of the rounded statistics, as decimals (GB/T 8170)
    index_raw = 0.0
    complete = True
    complies = True
    for name, (col, _key, p) in STATISTICS.items():
        vals = (
            pd.to_numeric(days[col], errors="coerce").to_numpy(dtype=float)
            if col in days
            else np.array([], dtype=float)
        )
        n = int(np.count_nonzero(~np.isnan(vals)))
        if p is None:
            # fsum: the correctly rounded sum, so the mean does not depend on the order of the days
            raw = math.fsum(vals[~np.isnan(vals)]) / n if n else float("nan")
            label = f"{name}_annual_mean" if name != "o3_8h" else name
        else:
            raw = hj663_percentile(vals, p)
            label = f"{name}_p{round(p * 100)}"
        # HJ 663 数据修约: the statistic is reported rounded per GB/T 8170 (µg/m³ to integers,
        # CO to 0.1 mg/m³) and, 修约值比较法, compared with the limit after rounding
        stat = (
            raw if rounding is None else _reported(vals, p, rounding.concentration_decimals[name])
        )
        judged = stat if rounding is None or rounding.compare_rounded else raw
        # GB 3095 表4: ≥ 324 daily values a year and ≥ 27 in every month (February ≥ 25)
        per_month = np.bincount(months[~np.isnan(vals)], minlength=13) if n else np.zeros(13)
        months_short = int(np.count_nonzero(per_month[1:] < month_min[1:]))
        valid = n >= rules.annual_min_days and months_short == 0
        row[f"n_{name}"] = n
        row[f"{name}_months_short"] = months_short
        row[label] = stat
        row[f"{label}_raw"] = raw
        row[f"{name}_valid"] = valid
        limit = lim.values[name]
        # HJ 663 达标: every statistic of the pollutant within the limit of its averaging time
        # (hj663_2013_compliance.yaml); the main statistic above is one of them
        meets: bool | None = None
        if n:
            meets = True
            for rule in compliance.statistics[name]:
                if rule.p is None or rule.p == p:
                    s_raw, s_stat, s_judged = raw, stat, judged
                    s_label = label
                else:
                    s_raw = hj663_percentile(vals, rule.p)
                    s_stat = (
                        s_raw
                        if rounding is None
                        else _reported(vals, rule.p, rounding.concentration_decimals[name])
                    )
                    s_judged = s_stat if rounding is None or rounding.compare_rounded else s_raw
                    s_label = f"{name}_{rule.label}"
                    row[s_label] = s_stat
                    row[f"{s_label}_raw"] = s_raw
                ok = bool(s_judged <= stat_limits[(name, rule.limit)])
                row[f"{s_label}_complies"] = ok
                meets = meets and ok
        else:
            for rule in compliance.statistics[name]:
                if not (rule.p is None or rule.p == p):
                    s_label = f"{name}_{rule.label}"
                    row[s_label] = row[f"{s_label}_raw"] = float("nan")
                    row[f"{s_label}_complies"] = None
        row[f"{name}_complies"] = meets
        row[f"i_{name}"] = stat / limit if n else float("nan")
        if n:
            index += stat / limit
            if rounding is not None:
                index_exact += _fraction(stat) / _fraction(limit)
            index_raw += raw / limit
        complete = complete and n > 0
        complies = complies and bool(meets) and valid
    # the single indices are summed unrounded; only the sum is rounded (worked example: 3.06)
    if not complete:
        row["composite_index"] = row["composite_index_raw"] = float("nan")
    else:
        row["composite_index"] = (
            index
            if rounding is None
            else float(round(index_exact, rounding.composite_index_decimals))  # half to even
        )
        row["composite_index_raw"] = index_raw
    row["complies_grade_ii"] = complies
    aqi = (
        pd.to_numeric(days[aqi_col], errors="coerce") if aqi_col in days else pd.Series(dtype=float)
    )
    valid_aqi = int(aqi.notna().sum())
    good = int((aqi <= 100).sum())
    row["aqi_days"] = valid_aqi
    row["good_days"] = good
    raw_ratio = good / valid_aqi if valid_aqi else float("nan")
    if rounding is None or not valid_aqi:
        row["good_days_ratio"] = raw_ratio
    else:  # a fraction whose percent has `percent_decimals` decimals: 2/3 → 0.667
        d = rounding.percent_decimals
        row["good_days_ratio"] = _percent_units(good, valid_aqi, d) / 10 ** (d + 2)
    row["good_days_ratio_raw"] = raw_ratio
    return row


def _hj663_2013(
    daily: pd.DataFrame,
    *,
    group_col: str,
    edition: Edition,
    stage: Stage,
    aqi_col: str,
    time_col: str = "time",
    rounding: bool = True,
) -> pd.DataFrame:
    lim = annual_limits(edition, stage=stage)
    rules = validity_rules(edition)
    rnd = rounding_rules("hj663_2013") if rounding else None
    compliance = compliance_rules("hj663_2013")
    stat_limits = {
        (name, rule.limit): statistic_limit(edition, name, rule.limit, stage=stage)
        for name, stat_rules in compliance.statistics.items()
        for rule in stat_rules
    }
    rows = []
    for (key, year), days in daily.groupby([group_col, "year"], sort=True):
        row: dict[str, object] = {group_col: key, "year": int(year)}
        row.update(
            _evaluate_group(days, lim, rules, rnd, aqi_col, time_col, compliance, stat_limits)
        )
        rows.append(row)
    out = pd.DataFrame(rows)
    out["edition"] = edition
    out["method"] = "HJ 663-2013"
    out["limits"] = f"{lim.citation} 二级"
    out["rounding"] = "none" if rnd is None else rnd.citation
    out["compliance_rule"] = compliance.describe()
    return out


#: Annual-evaluation methods by name; a revised HJ 663 registers here.
METHODS: dict[str, Callable[..., pd.DataFrame]] = {"hj663_2013": _hj663_2013}


def city_daily(
    daily: pd.DataFrame, *, city_col: str = "city", time_col: str = "time"
) -> pd.DataFrame:
    """City daily values: the mean of the stations' valid daily values of each pollutant.

    Parameters
    ----------
    daily : pandas.DataFrame
        Station days with a ``city`` column and pollutant columns.

    Returns
    -------
    pandas.DataFrame
        One row per city and day: ``city``, ``time`` and the pollutant columns present.
    """
    cols = [c for c in ("so2", "no2", "co", "pm10", "pm2_5", "o3_1h", "o3_8h") if c in daily]
    work = daily[[city_col, time_col, *cols]].copy()
    for c in cols:
        work[c] = pd.to_numeric(work[c], errors="coerce")
    return work.groupby([city_col, time_col], sort=True)[cols].mean().reset_index()


def annual_evaluation(
    daily: pd.DataFrame,
    *,
    by: str = "station",
    edition: Edition | None = None,
    method: str = "hj663_2013",
    stage: Stage = "transitional",
    time_col: str = "time",
    aqi_col: str = "aqi",
    rounding: bool = True,
) -> pd.DataFrame:
    """Annual statistics, grade Ⅱ compliance, good-days ratio and comprehensive index.

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per ``by`` and day: ``time`` and any of ``so2``, ``no2``, ``pm10``, ``pm2_5``,
        ``o3_8h`` (daily maximum 8-hour), µg/m³, and ``co`` (mg/m³), NaN for invalid days; and the
        daily ``aqi`` (for the good-days ratio).
    by : str
        Column to group by (``"station"`` or ``"city"``).
    edition : {"2012", "2026"} or None
        GB 3095 limits and validity minima to use; ``None`` takes the edition in force on the last
        day of each year (a 2025 year → 2012).
    method : str
        Key of :data:`METHODS`; only ``"hj663_2013"`` exists.
    stage : {"transitional", "final"}
        Stage of the GB 3095-2026 limits.
    rounding : bool
        Apply HJ 663's 数据修约 (GB/T 8170, :func:`lanxi.standards.hj663.rounding_rules`): report
        the statistics rounded and judge compliance on the rounded values (default). ``False``
        reports and compares the unrounded values.

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` and year: ``n_<p>`` valid days, ``so2_annual_mean``,
        ``no2_annual_mean``, ``pm10_annual_mean``, ``pm2_5_annual_mean``, ``o3_8h_p90`` (rounded to
        integers, µg/m³) and ``co_p95`` (to 0.1 mg/m³), each with its unrounded ``<stat>_raw``;
        ``so2_p98``, ``no2_p98``, ``pm10_p95``, ``pm2_5_p95`` (percentiles of the 24-hour means,
        rounded alike, with ``_raw``); ``<stat>_complies`` per statistic (against the limit of
        its averaging time: annual means the 年平均 limit, percentiles the 日平均 or 日最大8小时
        limit);
        ``<p>_valid`` (≥ 324 days and every month ≥ 27, February ≥ 25), ``<p>_months_short``
        (months below their minimum), ``<p>_complies`` (every statistic of the pollutant
        complies, rounded statistic ≤ limit), ``i_<p>``
        (:math:`C_i/S_i` of the rounded statistic, not rounded), ``composite_index`` (their sum
        rounded to 0.01; NaN when a pollutant has no data) and ``composite_index_raw`` (the sum of
        the unrounded statistics' indices), ``complies_grade_ii``, ``aqi_days``, ``good_days``,
        ``good_days_ratio`` (a fraction whose percent is rounded to 0.1 %: 2 of 3 days → 0.667)
        and ``good_days_ratio_raw``, ``edition``, ``method``, ``limits``, ``rounding`` (the rule
        applied, or ``"none"``), ``compliance_rule`` (the statistics each pollutant must meet, in
        words, with their source). With ``rounding=False`` every column holds the unrounded value.

    Raises
    ------
    ValueError
        For an unknown ``method``.

    References
    ----------
    HJ 663-2013 环境空气质量评价技术规范（试行）;
    城市环境空气质量排名技术规定 (环办监测〔2018〕19号); GB 3095-2012 / GB 3095-2026 表1 and 表4;
    GB/T 8170-2008 数值修约规则与极限数值的表示和判定.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; known: {sorted(METHODS)}")
    work = daily.copy()
    times = pd.to_datetime(work[time_col], format="mixed")
    work["year"] = times.dt.year
    frames = []
    for year, part in work.groupby("year", sort=True):
        ed = edition or edition_for(date(int(year), 12, 31))
        frames.append(
            METHODS[method](
                part,
                group_col=by,
                edition=ed,
                stage=stage,
                aqi_col=aqi_col,
                time_col=time_col,
                rounding=rounding,
            )
        )
    if not frames:
        return pd.DataFrame(columns=[by, "year"])
    return pd.concat(frames, ignore_index=True)
