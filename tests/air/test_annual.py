"""HJ 663-2013 annual evaluation: percentiles, validity, grade Ⅱ compliance, good days, index."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lanxi.compute.air.annual import (
    METHODS,
    annual_evaluation,
    annual_limits,
    city_daily,
    hj663_percentile,
)


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
    # CO: k = 1 + 364 × 0.95 = 346.8 → 3.46 + 0.8 × 0.01 = 3.468
    assert r["co_p95"] == pytest.approx(3.468)
    # O3: k = 1 + 364 × 0.9 = 328.6 → 328 + 0.6 = 328.6
    assert r["o3_8h_p90"] == pytest.approx(328.6)
    assert r["so2_annual_mean"] == 10.0
    assert bool(r["no2_complies"]) and bool(r["pm10_complies"])  # equal to the limit complies
    assert not bool(r["pm2_5_complies"]) and not bool(r["o3_8h_complies"])
    assert bool(r["co_complies"])
    assert not bool(r["complies_grade_ii"])
    expected = 10 / 60 + 40 / 40 + 70 / 70 + 36 / 35 + 3.468 / 4 + 328.6 / 160
    assert r["composite_index"] == pytest.approx(expected)
    assert r["good_days"] == 300 and r["aqi_days"] == 365
    assert r["good_days_ratio"] == pytest.approx(300 / 365)
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
