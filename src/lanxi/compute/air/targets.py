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
    """

    target_id: str
    plan: str
    set_on: date
    target_year: int
    comparison: str
    value: float
    cities: tuple[str, ...] | None = None


def _ratio(days: pd.DataFrame, edition: Edition, city_col: str, time_col: str) -> pd.Series:
    """Good-days ratio (%) of each city under one edition of HJ 633."""
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
        meets = bool(COMPARISONS[t.comparison](value, t.value)) if len(ratio) else None
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
