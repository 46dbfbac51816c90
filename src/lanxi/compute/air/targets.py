"""Good-days ratio (优良天数比例) against the plans' targets, under the edition each was set under.

Pure computation over city daily values (as :func:`lanxi.compute.air.annual.city_daily` makes
them). A target set before HJ 633-2026 came into force (2026-03-01) — the 2018 plan's 85 % for
2035, the 2021 plan's 90 % for 2025 — is assessed with the AQI of the edition in force on the day
the plan was issued (issue 3: "Targets set before 2026 are assessed with the edition they were set
under, and reports say so"). The same ratio under the edition in force in the target year is given
beside it, for information.

The ratio of a group of cities is the arithmetic mean of the cities' ratios (the practice of
the national bulletins, 地级及以上城市平均优良天数比例); a city's ratio is its days with
AQI ≤ 100 over its days with an AQI. The ratio is reported rounded to 0.1 % per GB/T 8170 (HJ 663
数据修约, :func:`lanxi.standards.hj663.rounding_rules`) and compared with the target as reported
(89.95 % meets 90 %); the mean is taken of the exact city ratios (fractions of day counts) and
rounded once, half to even on that fraction (GB/T 8170 on the decimal value, no float error).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

from lanxi.compute.air.aqi import compute_aqi
from lanxi.standards.hj633 import POLLUTANTS, Edition, edition_for
from lanxi.standards.hj663 import rounding_rules

#: Comparison of a target (``comparison`` in the plan data) → test of the value against it.
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "ge": operator.ge,
    "gt": operator.gt,
    "le": operator.le,
    "lt": operator.lt,
}

#: Comparisons that ask to *reach* a value: ``approx`` (≈, 左右) within a tolerance, ``eq`` exactly.
REACH = ("approx", "eq")

#: Verdicts of a target assessment. In the target year: ``met`` / ``not_met``; before it, whether
#: the value is already at the target's level (``at_target_level`` / ``below_target_level``: a
#: reading, not a verdict on the target); ``no_data`` when no covered city has data.
VERDICTS = ("met", "not_met", "at_target_level", "below_target_level", "no_data")


def compare(
    value: float, comparison: str, target: float, tolerance: float = 0.0, direction: int = 1
) -> bool:
    """Whether ``value`` satisfies ``comparison`` against ``target``.

    ``approx`` (≈, 左右) is the plans' one rule (:func:`lanxi.compute.progress.target_met`): met
    within ``tolerance × |target|`` of it or beyond it in the desired ``direction`` (the
    good-days ratio: higher is better, +1) — ≈ 8 is not met at 7.35 with a 2 % tolerance, but
    is at 7.84 and at 8.9; ``eq`` holds at the target exactly; ``ge``/``gt``/``le``/``lt`` as
    written.

    Examples
    --------
    >>> compare(7.35, "approx", 8.0, 0.02), compare(7.9, "approx", 8.0, 0.02)
    (False, True)
    >>> compare(8.9, "approx", 8.0, 0.02)
    True
    >>> compare(90.0, "ge", 90.0)
    True
    """
    if comparison == "approx":
        from lanxi.compute.progress import target_met

        return target_met(value, target, direction, comparison, tolerance)
    if comparison == "eq":
        return value == target
    return bool(COMPARISONS[comparison](value, target))


#: A day is good (优 or 良) with an AQI up to this (HJ 633 表1/表2: level 2 ends at 100).
GOOD_AQI_MAX = 100


@dataclass(frozen=True)
class GoodDaysTarget:
    """One plan target on the good-days ratio.

    Attributes
    ----------
    target_id, plan : str
        Ids in the plan data.
    set_on : datetime.date
        Date the plan was issued: its edition is the one the target was set under.
    target_year : int
    comparison : {"ge", "gt", "le", "lt"}
    value : float
        Target in percent (90 = 90 %).
    cities : tuple of str or None
        The cities (keys of the ``city`` column) the target covers; None for every city present.
    region_code : str
        The region the plan sets the target for (``LXCSQ``, a province, a city).
    group : str or None
        The named group of regions the target covers (``lanzhou_economic_circle``), if any.
    """

    target_id: str
    plan: str
    set_on: date
    target_year: int
    comparison: str
    value: float
    cities: tuple[str, ...] | None = None
    region_code: str = ""
    group: str | None = None


def _ratio(days: pd.DataFrame, edition: Edition | None, city_col: str, time_col: str) -> pd.Series:
    """Good-days ratio (%) of each city under one edition of HJ 633 (None: each day's own)."""
    cols = [c for c in POLLUTANTS if c in days]
    aqi = compute_aqi(
        days[[city_col, time_col, *cols]].rename(columns={city_col: "station"}),
        kind="daily",
        edition=edition,
        validate=False,
    )["aqi"].to_numpy(dtype=float, na_value=np.nan)
    frame = pd.DataFrame({"city": days[city_col].to_numpy(), "aqi": aqi})
    frame = frame[~np.isnan(frame["aqi"])]
    good = frame["aqi"] <= GOOD_AQI_MAX
    counts = good.groupby(frame["city"]).agg(["sum", "size"])
    return pd.Series(
        [
            Fraction(100 * int(g), int(d))
            for g, d in zip(counts["sum"], counts["size"], strict=True)
        ],
        index=counts.index,
        dtype=object,
    )


def _mean(ratios: pd.Series) -> Fraction | None:
    """The mean of the cities' exact ratios (%), or None without cities."""
    return sum(ratios, Fraction(0)) / len(ratios) if len(ratios) else None


def assess_good_days_targets(
    city_days: pd.DataFrame,
    targets: Sequence[GoodDaysTarget],
    *,
    city_col: str = "city",
    time_col: str = "time",
    rounding: bool = True,
) -> pd.DataFrame:
    """Each target whose year is in the data, with the ratio under the edition it was set under.

    Parameters
    ----------
    city_days : pandas.DataFrame
        One row per city and day: ``city``, ``time`` and the daily pollutant columns (24-hour
        means, ``o3_8h`` the daily maximum 8-hour mean, ``o3_1h`` the daily maximum 1-hour).
    targets : sequence of GoodDaysTarget
    city_col, time_col : str
    rounding : bool
        Round the ratios to 0.1 % (GB/T 8170 half to even, HJ 663 数据修约) and judge ``meets``
        on the rounded ratio (default); ``False`` keeps and compares the unrounded mean.

    Returns
    -------
    pandas.DataFrame
        One row per target with data in its year: ``target_id``, ``plan``, ``target_year``,
        ``comparison``, ``target_value`` (%), ``set_on``, ``edition`` (HJ 633 edition in force on
        ``set_on``), ``cities`` (number assessed), ``good_days_ratio`` (%, mean of the cities',
        rounded to 0.1 %), ``good_days_ratio_raw`` (unrounded), ``meets`` (on the rounded ratio),
        ``edition_in_year`` and ``good_days_ratio_in_year`` (the same under the edition in force
        on 31 December of the target year, rounded), ``note``.

    Examples
    --------
    >>> days = pd.DataFrame({"city": "A", "time": pd.date_range("2025-01-01", periods=4),
    ...                      "pm2_5": [70.0, 70.0, 70.0, 80.0]})
    >>> t = GoodDaysTarget("t", "p", date(2021, 10, 10), 2025, "ge", 90.0)
    >>> r = assess_good_days_targets(days, [t]).iloc[0]  # 2012: 75 µg/m³ still 良
    >>> float(r["good_days_ratio"]), bool(r["meets"]), r["edition"]
    (75.0, False, '2012')
    """
    years = pd.to_datetime(city_days[time_col], format="mixed").dt.year
    decimals = rounding_rules("hj663_2013").percent_decimals if rounding else None

    def reported(x: Fraction | None) -> float:
        """GB/T 8170 half to even on the exact mean (a fraction of day counts, no float error)."""
        if x is None:
            return float("nan")
        return float(x) if decimals is None else float(round(x, decimals))

    rows = []
    for t in targets:
        days = city_days[years == t.target_year]
        if t.cities is not None:
            days = days[days[city_col].isin(t.cities)]
        if days.empty:
            continue
        set_under = edition_for(t.set_on)
        in_year = edition_for(date(t.target_year, 12, 31))
        ratio = _ratio(days, set_under, city_col, time_col)
        ratio_year = ratio if in_year == set_under else _ratio(days, in_year, city_col, time_col)
        exact = _mean(ratio)
        raw = float(exact) if exact is not None else float("nan")
        value = reported(exact)
        meets = compare(value, t.comparison, t.value) if len(ratio) else None
        value_year = reported(_mean(ratio_year)) if len(ratio) else np.nan
        rows.append(
            {
                "target_id": t.target_id,
                "plan": t.plan,
                "target_year": t.target_year,
                "comparison": t.comparison,
                "target_value": t.value,
                "set_on": t.set_on.isoformat(),
                "edition": set_under,
                "cities": len(ratio),
                "good_days_ratio": value,
                "good_days_ratio_raw": raw,
                "meets": meets,
                "edition_in_year": in_year,
                "good_days_ratio_in_year": value_year,
                "note": (
                    f"assessed with HJ 633-{set_under}, in force when the target was set "
                    f"({t.set_on.isoformat()}); HJ 633-{in_year} in {t.target_year} gives "
                    f"{value_year:.1f} %"
                ),
            }
        )
    return pd.DataFrame(rows)


def _verdict(meets: bool | None, in_target_year: bool) -> str:
    if meets is None:
        return "no_data"
    if in_target_year:
        return "met" if meets else "not_met"
    return "at_target_level" if meets else "below_target_level"


def assess_air_targets(
    city_days: pd.DataFrame,
    targets: Sequence[GoodDaysTarget],
    year: int,
    *,
    approx_tolerance: float = 0.0,
    city_col: str = "city",
    time_col: str = "time",
) -> pd.DataFrame:
    """Every target on the good-days ratio whose year is ``year`` or later, assessed on ``year``.

    The one definition of "does the year meet the plan's good-days target" (docs/air.md):

    * **coverage** — a target covers the cities of its group or region (``cities``; None: every
      city in the data); a city outside it is never assessed against it (the 兰州经济圈 target
      never touches a Qinghai city);
    * **city value** — a city's ratio is its days with AQI ≤ 100 over its days with an AQI; the
      daily AQI is taken under the HJ 633 edition the target was set under (``edition``,
      issue 3), and beside it under the edition in force on each day
      (``good_days_ratio_by_day``, the figure of the calendar and the annual table);
    * **group value** — the arithmetic mean of the covered cities' unrounded ratios, rounded once
      to 0.1 % (GB/T 8170, HJ 663 数据修约);
    * **comparison** — :func:`compare` on the rounded value, ``approx`` within
      ``approx_tolerance`` (relative) or above the target;
    * **verdict** — in the target year ``met`` / ``not_met``; before it ``at_target_level`` /
      ``below_target_level``; ``no_data`` when no covered city has a day.

    Parameters
    ----------
    city_days : pandas.DataFrame
        One row per city and day: ``city`` (a region code), ``time``, daily pollutant columns.
    targets : sequence of GoodDaysTarget
    year : int
        The year assessed.
    approx_tolerance : float
        Relative tolerance of ≈ targets.
    city_col, time_col : str

    Returns
    -------
    pandas.DataFrame
        One ``level == "target"`` row per target and one ``level == "city"`` row per covered city
        with data: ``target_id``, ``plan``, ``region_code``, ``group``, ``year``, ``target_year``,
        ``comparison``, ``target_value``, ``tolerance`` (absolute, % points), ``level``,
        ``unit`` (the target's region code, or the city's), ``cities_covered``,
        ``cities_assessed``, ``cities_missing`` (codes, comma-separated), ``edition``,
        ``good_days_ratio`` (%, rounded), ``good_days_ratio_raw``, ``good_days_ratio_by_day`` (%,
        rounded), ``meets``, ``verdict``.

    Examples
    --------
    >>> days = pd.DataFrame({"city": ["A"] * 4 + ["B"] * 4,
    ...                      "time": list(pd.date_range("2025-01-01", periods=4)) * 2,
    ...                      "pm2_5": [20.0, 20.0, 20.0, 160.0] + [20.0] * 4})
    >>> t = GoodDaysTarget("t", "p", date(2021, 10, 10), 2025, "ge", 90.0, cities=("A", "B"))
    >>> r = assess_air_targets(days, [t], 2025)
    >>> r[["level", "unit", "good_days_ratio", "verdict"]].values.tolist()
    [['target', '', 87.5, 'not_met'], ['city', 'A', 75.0, 'not_met'], ['city', 'B', 100.0, 'met']]
    """
    decimals = rounding_rules("hj663_2013").percent_decimals
    times = pd.to_datetime(city_days[time_col], format="mixed")
    data = city_days[times.dt.year == year]
    rows: list[dict[str, object]] = []
    for t in sorted(targets, key=lambda x: (x.target_year, x.target_id)):
        if t.target_year < year:
            continue
        covered = t.cities
        days = data if covered is None else data[data[city_col].isin(covered)]
        present = sorted(days[city_col].dropna().unique().tolist())
        covered_list = sorted(covered) if covered is not None else present
        missing = [c for c in covered_list if c not in present]
        edition = edition_for(t.set_on)
        ratio = _ratio(days, edition, city_col, time_col) if present else pd.Series(dtype=float)
        by_day = _ratio(days, None, city_col, time_col) if present else pd.Series(dtype=float)
        common: dict[str, object] = {
            "target_id": t.target_id,
            "plan": t.plan,
            "region_code": t.region_code,
            "group": t.group,
            "year": year,
            "target_year": t.target_year,
            "comparison": t.comparison,
            "target_value": t.value,
            "tolerance": approx_tolerance * abs(t.value) if t.comparison == "approx" else 0.0,
            "edition": edition,
        }
        # exact fractions of day counts, rounded once per GB/T 8170 (half to even): no float
        # error decides a tie (89.95 % → 90.0 %)
        units: list[tuple[str, str, Fraction | None, Fraction | None, int]] = [
            ("target", t.region_code, _mean(ratio), _mean(by_day), len(ratio))
        ]
        units += [("city", str(c), ratio[c], by_day[c], 1) for c in ratio.index]
        for level, unit, r, r_day, n in units:
            ok = n > 0 and r is not None and r_day is not None
            value = float(round(r, decimals)) if ok else None  # type: ignore[arg-type]
            meets = (
                compare(value, t.comparison, t.value, approx_tolerance)
                if value is not None
                else None
            )
            rows.append(
                {
                    **common,
                    "level": level,
                    "unit": unit,
                    "cities_covered": len(covered_list) if level == "target" else 1,
                    "cities_assessed": n,
                    "cities_missing": ",".join(missing) if level == "target" else "",
                    "good_days_ratio": value,
                    "good_days_ratio_raw": float(r) if ok else None,  # type: ignore[arg-type]
                    "good_days_ratio_by_day": (
                        float(round(r_day, decimals)) if ok else None  # type: ignore[arg-type]
                    ),
                    "meets": meets,
                    "verdict": _verdict(meets, t.target_year == year),
                }
            )
    return pd.DataFrame(rows)
