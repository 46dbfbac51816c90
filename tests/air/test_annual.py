"""HJ 663-2013 annual evaluation: percentiles, validity, grade Ⅱ compliance, good days, index."""

from __future__ import annotations

import copy
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lanxi.compute.air.annual import (
    METHODS,
    annual_evaluation,
    annual_limits,
    city_daily,
    good_days_percent,
    hj663_percentile,
    statistic_limit,
)
from lanxi.compute.gbt8170 import mean_half_even, percentile_half_even
from lanxi.errors import ValidationError
from lanxi.standards import load_standard
from lanxi.standards.hj663 import _parse_rounding, compliance_rules, rounding_rules


def _year(year: int = 2025, n: int = 365) -> pd.DataFrame:
    days = pd.date_range(f"{year}-01-01", periods=n, freq="D")
    i = np.arange(1, n + 1, dtype=float)
    return pd.DataFrame(
        {
            "station": "S1",
            "time": days,
            "so2": 10.0,
            "no2": 40.0,
            "pm10": 70.0,
            "pm2_5": 36.0,
            "co": i / 100,  # 0.01 … 3.65 mg/m³
            "o3_8h": i,  # 1 … 365 µg/m³
            "aqi": np.where(np.arange(n) < 300, 80, 120),
        }
    )


def test_percentile_follows_hj663_formula() -> None:
    # k = 1 + (n-1)p; m = X(s) + (X(s+1) - X(s))(k - s)
    x = np.array([5.0, 1.0, 4.0, 2.0, 3.0, np.nan])
    assert hj663_percentile(x, 0.9) == pytest.approx(4.6)  # k = 4.6
    assert hj663_percentile(x, 0.95) == pytest.approx(4.8)  # k = 4.8
    assert hj663_percentile(np.array([7.0]), 0.95) == 7.0
    assert math.isnan(hj663_percentile(np.array([np.nan]), 0.5))
    rng = np.random.default_rng(1)
    v = rng.random(101)
    assert hj663_percentile(v, 0.95) == pytest.approx(np.percentile(v, 95))


def test_annual_hand_computed_2025_uses_2012_limits() -> None:
    out = annual_evaluation(_year(2025))
    r = out.iloc[0]
    assert r["edition"] == "2012" and r["method"] == "HJ 663-2013"
    # CO: k = 1 + 364 × 0.95 = 346.8 → 3.46 + 0.8 × 0.01 = 3.468, reported 3.5 (GB/T 8170)
    assert r["co_p95_raw"] == pytest.approx(3.468) and r["co_p95"] == 3.5
    # O3: k = 1 + 364 × 0.9 = 328.6 → 328 + 0.6 = 328.6, reported 329
    assert r["o3_8h_p90_raw"] == pytest.approx(328.6) and r["o3_8h_p90"] == 329.0
    assert r["so2_annual_mean"] == 10.0
    assert bool(r["no2_complies"]) and bool(r["pm10_complies"])  # equal to the limit complies
    assert not bool(r["pm2_5_complies"]) and not bool(r["o3_8h_complies"])
    assert bool(r["co_complies"])
    assert not bool(r["complies_grade_ii"])
    # the index of the rounded statistics, 6.12649 → 6.13; unrounded 6.11599
    assert r["composite_index"] == 6.13
    assert r["i_co"] == 3.5 / 4 and r["i_o3_8h"] == 329 / 160
    raw = 10 / 60 + 40 / 40 + 70 / 70 + 36 / 35 + 3.468 / 4 + 328.6 / 160
    assert r["composite_index_raw"] == pytest.approx(raw)
    assert r["good_days"] == 300 and r["aqi_days"] == 365
    # 300 / 365 = 82.19 % → 82.2 %
    assert round(100 * r["good_days_ratio"], 9) == 82.2
    assert r["good_days_ratio_raw"] == pytest.approx(300 / 365)
    assert all(bool(r[f"{p}_valid"]) for p in ("so2", "no2", "pm10", "pm2_5", "co", "o3_8h"))


def test_validity_needs_324_days() -> None:
    r = annual_evaluation(_year(2025, n=323)).iloc[0]
    assert not bool(r["so2_valid"]) and r["n_so2"] == 323
    assert not bool(r["complies_grade_ii"])
    # 324 days from 1 January end on 20 November: November (20 days) and December (none) fall
    # short of the 27 days a month GB 3095 表4 also wants
    r = annual_evaluation(_year(2025, n=324)).iloc[0]
    assert not bool(r["so2_valid"]) and r["so2_months_short"] == 2


def test_validity_needs_27_days_in_every_month_25_in_february() -> None:
    full = _year(2025)
    day = full["time"].dt.day
    feb = full["time"].dt.month == 2
    keep = (day <= 27) & ~feb | (day <= 25) & feb  # 11 × 27 + 25 = 322 days
    extra = full.index[~keep][:2]  # two more days in January: 324
    ok = full[keep | full.index.isin(extra)]
    r = annual_evaluation(ok).iloc[0]
    assert r["n_so2"] == 324 and bool(r["so2_valid"]) and r["so2_months_short"] == 0
    # one day less in February (24) and one more in March: still 324 days, February short
    short = ok[~(ok["time"] == pd.Timestamp("2025-02-25"))]
    short = pd.concat([short, full[full["time"] == pd.Timestamp("2025-03-28")]])
    r = annual_evaluation(short).iloc[0]
    assert r["n_so2"] == 324 and not bool(r["so2_valid"]) and r["so2_months_short"] == 1


def test_edition_by_year_and_forced() -> None:
    r26 = annual_evaluation(_year(2026)).iloc[0]
    assert r26["edition"] == "2026"
    # GB 3095-2026 transitional grade Ⅱ: PM2.5 annual 30, PM10 60
    assert r26["i_pm2_5"] == pytest.approx(36 / 30)
    assert not bool(r26["pm10_complies"])
    r = annual_evaluation(_year(2025), edition="2026").iloc[0]
    assert r["edition"] == "2026"
    assert annual_limits("2026", stage="final").values["pm2_5"] == 25.0
    assert annual_limits("2012").values == {
        "so2": 60.0,
        "no2": 40.0,
        "pm10": 70.0,
        "pm2_5": 35.0,
        "co": 4.0,
        "o3_8h": 160.0,
    }


def test_city_daily_is_station_mean_and_method_is_swappable() -> None:
    a = _year(2025).assign(city="兰州")
    b = _year(2025).assign(station="S2", city="兰州", pm2_5=np.nan)
    b.loc[:9, "pm2_5"] = 20.0
    c = city_daily(pd.concat([a, b]))
    assert len(c) == 365
    assert c.loc[0, "pm2_5"] == 28.0 and c.loc[100, "pm2_5"] == 36.0
    assert set(METHODS) == {"hj663_2013"}
    with pytest.raises(ValueError, match="unknown method"):
        annual_evaluation(_year(2025), method="hj663_2026")


def test_missing_pollutant_gives_no_index() -> None:
    r = annual_evaluation(_year(2025).drop(columns="co")).iloc[0]
    assert math.isnan(r["composite_index"]) and r["n_co"] == 0


# ----------------------------------------------------------------- HJ 663 数据修约 (GB/T 8170)


def _constant_year(year: int = 2025, **values: float) -> pd.DataFrame:
    """A complete year of identical days (every statistic equals the daily value)."""
    base = {"so2": 10.0, "no2": 20.0, "pm10": 50.0, "pm2_5": 30.0, "co": 1.0, "o3_8h": 100.0}
    base.update(values)
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    return pd.DataFrame({"station": "S1", "time": days, **base, "aqi": 60})


@pytest.mark.parametrize(
    ("pm2_5", "reported", "complies"),
    [
        (35.4, 35.0, True),  # 35.4 → 35 ≤ 35 达标, although 35.4 > 35
        (35.5, 36.0, False),  # 35.5 → 36 超标
        (34.5, 34.0, True),  # half to even: 34.5 → 34
        (36.5, 36.0, False),  # half to even: 36.5 → 36
        (35.6, 36.0, False),
    ],
)
def test_pm2_5_annual_mean_is_rounded_before_compliance(
    pm2_5: float, reported: float, complies: bool
) -> None:
    r = annual_evaluation(_constant_year(pm2_5=pm2_5)).iloc[0]  # 2025: limit 35 (GB 3095-2012)
    assert r["pm2_5_annual_mean"] == reported
    assert r["pm2_5_annual_mean_raw"] == pytest.approx(pm2_5)
    assert bool(r["pm2_5_complies"]) is complies
    assert bool(r["complies_grade_ii"]) is complies  # the other five comply
    assert r["i_pm2_5"] == reported / 35


def test_an_exact_half_from_averaging_rounds_to_even() -> None:
    # leap year 2024, 183 days at 35 and 183 at 36: mean exactly 35.5 → 36, 超标
    df = _constant_year(2024)
    df["pm2_5"] = np.where(np.arange(len(df)) % 2 == 0, 35.0, 36.0)
    df["pm10"] = np.where(np.arange(len(df)) % 2 == 0, 70.0, 71.0)  # 70.5 → 70 (even), 达标
    r = annual_evaluation(df).iloc[0]
    assert len(df) == 366 and r["pm2_5_annual_mean_raw"] == 35.5
    assert r["pm2_5_annual_mean"] == 36.0 and not bool(r["pm2_5_complies"])
    assert r["pm10_annual_mean"] == 70.0 and bool(r["pm10_complies"])


@pytest.mark.parametrize(
    ("co", "reported", "complies"),
    [(4.05, 4.0, True), (4.15, 4.2, False), (4.04, 4.0, True), (4.06, 4.1, False)],
)
def test_co_p95_is_rounded_to_one_decimal(co: float, reported: float, complies: bool) -> None:
    # 4.05 is stored as 4.0499999…: GB/T 8170 treats it as written, a 5 after an even 0 → 4.0
    r = annual_evaluation(_constant_year(co=co)).iloc[0]
    assert r["co_p95"] == reported and bool(r["co_complies"]) is complies


def test_o3_p90_and_gases_round_to_integers() -> None:
    r = annual_evaluation(_constant_year(o3_8h=160.5, so2=60.4, no2=40.5)).iloc[0]
    assert r["o3_8h_p90"] == 160.0 and bool(r["o3_8h_complies"])  # 160.5 → 160 (even)
    assert r["so2_annual_mean"] == 60.0 and bool(r["so2_complies"])
    assert r["no2_annual_mean"] == 40.0 and bool(r["no2_complies"])


def test_rounding_can_be_switched_off() -> None:
    r = annual_evaluation(_constant_year(pm2_5=35.4), rounding=False).iloc[0]
    assert r["pm2_5_annual_mean"] == pytest.approx(35.4) and not bool(r["pm2_5_complies"])
    assert r["rounding"] == "none"
    assert r["composite_index"] == pytest.approx(r["composite_index_raw"])
    rounded = annual_evaluation(_constant_year(pm2_5=35.4)).iloc[0]
    assert rounded["rounding"] == "HJ 663-2013 数据修约 (GB/T 8170)"


def test_composite_index_worked_example_3_06() -> None:
    # 城市环境空气质量排名技术规定 worked example (docs/air.md):
    # 21/35 + 39/70 + 9/60 + 15/40 + 192/160 + 0.7/4 = 3.0571 → 3.06. Here the statistics need
    # rounding first (21.4 → 21, 38.6 → 39, 9.2 → 9, 14.8 → 15, 192.3 → 192, 0.72 → 0.7).
    df = _constant_year(pm2_5=21.4, pm10=38.6, so2=9.2, no2=14.8, o3_8h=192.3, co=0.72)
    r = annual_evaluation(df).iloc[0]
    assert [r[c] for c in ("pm2_5_annual_mean", "pm10_annual_mean", "so2_annual_mean")] == [
        21.0,
        39.0,
        9.0,
    ]
    assert r["no2_annual_mean"] == 15.0 and r["o3_8h_p90"] == 192.0 and r["co_p95"] == 0.7
    assert r["composite_index"] == 3.06
    # the single indices are summed unrounded: rounded to 0.01 first they would give 3.07
    # (0.60 + 0.56 + 0.15 + 0.38 + 1.20 + 0.18)
    assert r["i_pm10"] == pytest.approx(39 / 70) and r["i_no2"] == 0.375
    # unrounded statistics: 21.4/35 + 38.6/70 + 9.2/60 + 14.8/40 + 192.3/160 + 0.72/4 = 3.0681
    assert r["composite_index_raw"] == pytest.approx(3.0680655, abs=1e-7)


def test_good_days_ratio_is_rounded_to_a_tenth_of_a_percent() -> None:
    days = pd.DataFrame(
        {"station": "S1", "time": pd.date_range("2025-01-01", periods=3), "aqi": [50, 80, 150]}
    )
    r = annual_evaluation(days).iloc[0]
    assert r["good_days"] == 2 and r["aqi_days"] == 3
    assert r["good_days_ratio"] == 0.667  # 66.666… % → 66.7 %
    assert r["good_days_ratio_raw"] == pytest.approx(2 / 3)
    assert good_days_percent(2, 3, 1) == 66.7
    # exact ties, half to even: 1/16 = 6.25 % → 6.2 %, 3/16 = 18.75 % → 18.8 %
    assert good_days_percent(1, 16, 1) == 6.2 and good_days_percent(3, 16, 1) == 18.8
    assert good_days_percent(73, 365, 1) == 20.0
    assert math.isnan(good_days_percent(0, 0, 1))


def test_city_statistics_are_rounded_too() -> None:
    a = _constant_year(pm2_5=35.0).assign(city="兰州")
    b = _constant_year(pm2_5=35.8).assign(station="S2", city="兰州")
    city = annual_evaluation(city_daily(pd.concat([a, b])).assign(aqi=60), by="city").iloc[0]
    # city days: (35.0 + 35.8) / 2 = 35.4 → 35, 达标; the stations: 35 达标, 36 超标
    assert city["pm2_5_annual_mean"] == 35.0 and bool(city["pm2_5_complies"])
    assert city["pm2_5_annual_mean_raw"] == pytest.approx(35.4)
    st = annual_evaluation(pd.concat([a, b])).set_index("station")
    assert st.loc["S2", "pm2_5_annual_mean"] == 36.0 and not bool(st.loc["S2", "pm2_5_complies"])


def test_rounding_rules_are_data_with_a_citation() -> None:
    rules = rounding_rules("hj663_2013")
    assert rules.concentration_decimals == {
        "so2": 0,
        "no2": 0,
        "pm10": 0,
        "pm2_5": 0,
        "co": 1,
        "o3_8h": 0,
    }
    assert rules.composite_index_decimals == 2 and rules.percent_decimals == 1
    assert rules.compare_rounded and rules.citation.startswith("HJ 663-2013")
    with pytest.raises(ValueError, match="no rounding rules"):
        rounding_rules("hj663_2026")


def test_malformed_rounding_file_lists_every_problem() -> None:
    std = load_standard("hj663_2013_rounding")
    data = copy.deepcopy(std.data)
    del data["concentration"]["co"]
    data["concentration"]["pm25"] = 0
    data["composite_index"] = -1
    data["method"] = "half_up"
    with pytest.raises(ValidationError) as info:
        _parse_rounding(std.model_copy(update={"data": data}), "hj663_2013")
    fields = {p.field for p in info.value.problems}
    assert fields == {"concentration.co", "concentration.pm25", "composite_index", "method"}


def test_annual_good_days_leave_out_days_hj633_2026_withholds() -> None:
    """HJ 633-2026 5.3.1 through the service: a 2027 day with SO2 missing and AQI ≤ 100 has no
    AQI, so it is neither a good day nor in the denominator of the good-days ratio."""
    from lanxi.services.environment.assessments import air_annual

    times = pd.date_range("2027-01-01", "2027-12-31", freq="D")
    n = len(times)  # 365
    days = pd.DataFrame(
        {
            "station": "A",
            "time": times,
            "so2": 8.0,
            "no2": 20.0,
            "pm10": 40.0,
            "pm2_5": 20.0,
            "co": 0.6,
            "o3_8h": 80.0,
        }
    )
    days.loc[:29, "so2"] = np.nan  # 30 days without SO2 (AQI of the others: PM2.5 29, O3 40)
    days.loc[30:39, "pm2_5"] = 100.0  # 10 days 轻度污染 (2026: 100 + 50·40/55 → 137)
    out = air_annual(days, kind="daily").iloc[0]
    assert out["aqi_days"] == n - 30  # 335
    assert out["good_days"] == n - 30 - 10  # 325
    assert out["good_days_ratio"] == pytest.approx(0.970)  # 325/335 = 97.01 % → 97.0 %


def test_pm2_5_mean_complies_but_p95_above_the_24_hour_limit_does_not() -> None:
    """Issue 13: PM2.5 mean 30.6 but 95th percentile 80 (> 75, GB 3095-2012 24-hour grade Ⅱ)."""
    frame = _year(2025)
    # 254 days 28, 91 days 27, 20 days 80: sum 7112 + 2457 + 1600 = 11169 = 30.6 × 365
    frame["pm2_5"] = [28.0] * 254 + [27.0] * 91 + [80.0] * 20
    r = annual_evaluation(frame).iloc[0]
    assert r["pm2_5_annual_mean_raw"] == pytest.approx(30.6)
    assert r["pm2_5_annual_mean"] == 31.0 and bool(r["pm2_5_annual_mean_complies"])  # ≤ 35
    # k = 1 + 364 × 0.95 = 346.8: X(346) = X(347) = 80 (the 20 highest are 346 … 365) → 80
    assert r["pm2_5_p95"] == 80.0 and not bool(r["pm2_5_p95_complies"])  # > 75
    assert not bool(r["pm2_5_complies"])
    assert not bool(r["complies_grade_ii"])
    assert (
        "PM2.5: annual mean ≤ annual limit and P95 of daily values ≤ 24-h limit"
        in (r["compliance_rule"])
    )
    # the comprehensive index still uses the annual mean (排名技术规定)
    assert r["i_pm2_5"] == 31 / 35


def test_so2_p98_is_interpolated_rounded_and_judged_on_the_24_hour_limit() -> None:
    frame = _year(2025)
    # sorted: 356 × 10, X(357) = 150, 8 × 160; k = 1 + 364 × 0.98 = 357.72
    # P98 = 150 + 0.72 × (160 − 150) = 157.2 → 157 > 150 (GB 3095-2012 SO2 24-hour grade Ⅱ)
    frame["so2"] = [10.0] * 356 + [150.0] + [160.0] * 8
    r = annual_evaluation(frame).iloc[0]
    assert r["so2_p98_raw"] == pytest.approx(157.2) and r["so2_p98"] == 157.0
    assert not bool(r["so2_p98_complies"]) and not bool(r["so2_complies"])
    # mean 4990 / 365 = 13.67 → 14 ≤ 60
    assert r["so2_annual_mean"] == 14.0 and bool(r["so2_annual_mean_complies"])
    # 150.4 → 150 after GB/T 8170: complies (修约值比较法)
    frame["so2"] = [10.0] * 356 + [150.4] * 9
    r = annual_evaluation(frame).iloc[0]
    assert r["so2_p98_raw"] == pytest.approx(150.4) and r["so2_p98"] == 150.0
    assert bool(r["so2_p98_complies"]) and bool(r["so2_complies"])


def test_percentile_limits_come_from_gb3095_of_the_year() -> None:
    # 2027 (GB 3095-2026 transitional): PM2.5 24-hour grade Ⅱ is 60, annual 30
    frame = _year(2027)
    frame["pm2_5"] = [20.0] * 300 + [65.0] * 65
    r = annual_evaluation(frame).iloc[0]
    assert r["edition"] == "2026"
    # mean (6000 + 4225) / 365 = 28.01 → 28 ≤ 30; P95 = 65 > 60
    assert bool(r["pm2_5_annual_mean_complies"]) and not bool(r["pm2_5_p95_complies"])
    assert statistic_limit("2026", "pm2_5", "daily") == 60.0
    assert statistic_limit("2012", "so2", "daily") == 150.0
    assert statistic_limit("2026", "no2", "daily", stage="final") == 50.0


def test_compliance_rules_are_data_with_their_sources() -> None:
    rules = compliance_rules("hj663_2013")
    got = {k: [(r.label, r.limit) for r in v] for k, v in rules.statistics.items()}
    assert got == {
        "so2": [("annual_mean", "annual"), ("p98", "daily")],
        "no2": [("annual_mean", "annual"), ("p98", "daily")],
        "pm10": [("annual_mean", "annual"), ("p95", "daily")],
        "pm2_5": [("annual_mean", "annual"), ("p95", "daily")],
        "co": [("p95", "daily")],
        "o3_8h": [("p90", "o3_8h_daily_max")],
    }
    assert "not verified" in load_standard("hj663_2013_compliance").clause  # type: ignore[operator]


def test_reported_mean_is_rounded_on_the_exact_decimal_mean() -> None:
    # 364 × 34.5 and one 34.5001: the mean is 34.5 + 0.0001/365 = 34.500000274 — above the tie,
    # so GB/T 8170 gives 35 (a float rounded after snapping to 10⁻⁶ would call it a tie → 34)
    frame = _year(2025)
    frame["pm2_5"] = [34.5] * 364 + [34.5001]
    r = annual_evaluation(frame).iloc[0]
    assert r["pm2_5_annual_mean"] == 35.0
    frame["pm2_5"] = [34.0] * 182 + [35.0] * 183  # (6188 + 6405)/365 = 34.5014 → 35
    assert annual_evaluation(frame).iloc[0]["pm2_5_annual_mean"] == 35.0
    frame["pm2_5"] = [34.0] * 183 + [35.0] * 182  # 34.4986 → 34
    assert annual_evaluation(frame).iloc[0]["pm2_5_annual_mean"] == 34.0


def test_composite_index_tie_rounds_half_even_on_decimals() -> None:
    # SO2 6/60 + NO2 20/40 + PM10 35/70 + PM2.5 35/35 + CO 1.1/4 + O3 80/160
    # = 0.1 + 0.5 + 0.5 + 1 + 0.275 + 0.5 = 2.875 exactly → 2.88 (7 is odd: up)
    frame = _year(2025)
    frame = frame.assign(so2=6.0, no2=20.0, pm10=35.0, pm2_5=35.0, co=1.1, o3_8h=80.0)
    r = annual_evaluation(frame).iloc[0]
    assert r["composite_index"] == 2.88
    frame = frame.assign(co=0.9)  # 0.225 → 2.825 → 2.82 (2 is even: down)
    assert annual_evaluation(frame).iloc[0]["composite_index"] == 2.82


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=5000), min_size=1, max_size=400),
    st.sampled_from([50, 90, 95, 98]),
    st.sampled_from([0, 1]),
)
def test_exact_mean_and_percentile_equal_the_fraction_oracle(
    tenths: list[int], percent: int, decimals: int
) -> None:
    values = np.array(tenths, dtype=float) / 10  # daily values written with one decimal
    n = len(tenths)
    assert mean_half_even(values, decimals) == float(round(Fraction(sum(tenths), 10 * n), decimals))
    xs = sorted(Fraction(t, 10) for t in tenths)
    k = 1 + Fraction((n - 1) * percent, 100)  # HJ 663: k = 1 + (n − 1)p
    s = int(k)
    p = xs[-1] if s >= n else xs[s - 1] + (xs[s] - xs[s - 1]) * (k - s)
    assert percentile_half_even(values, percent, decimals) == float(round(p, decimals))
