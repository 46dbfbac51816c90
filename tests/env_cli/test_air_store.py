"""The year's air data in the store: the demo's whole year, hourly and daily days without double counting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lanxi.compute.air import daily_from_hourly
from lanxi.errors import NotFoundError
from lanxi.services import store
from lanxi.services.environment import assessments as env
from lanxi.services.environment import store as env_store

N_STATIONS = 23  # air_stations.csv: the stations valid on 2025-01-01 (2022 release)


def _hours(station: str, day: str, **values: float) -> pd.DataFrame:
    times = pd.date_range(day, periods=24, freq="h")
    return pd.DataFrame({"station": station, "time": times, **values})


def test_a_day_with_hours_takes_them_and_never_its_daily_row() -> None:
    # station A: hours on 1 January (PM2.5 40, no NO2 column), daily rows on 1 and 2 January
    hourly = _hours("A", "2025-01-01", pm2_5=40.0, city="X")
    daily = pd.DataFrame(
        {
            "station": ["A", "A", "B"],
            "time": ["2025-01-01", "2025-01-02", "2025-01-01"],
            "pm2_5": [100.0, 60.0, 20.0],
            "no2": [30.0, 50.0, 10.0],
            "city": ["X", "X", "Y"],
        }
    )
    out = env.air_annual(hourly, kind="hourly", daily=daily).set_index(["level", "unit"])
    a = out.loc[("station", "A")]
    assert a["n_pm2_5"] == 2 and a["pm2_5_annual_mean"] == pytest.approx((40 + 60) / 2)
    # the daily row of 1 January is dropped whole: its NO2 does not fill the hourly day
    assert a["n_no2"] == 1 and a["no2_annual_mean"] == pytest.approx(50.0)
    assert a["aqi_days"] == 2  # 1 January once, 2 January
    b = out.loc[("station", "B")]  # a station with daily values only, its city from them
    assert b["n_pm2_5"] == 1 and b["city"] == "Y"
    assert out.loc[("city", "X"), "pm2_5_annual_mean"] == pytest.approx(50.0)
    assert out.loc[("city", "Y"), "pm2_5_annual_mean"] == pytest.approx(20.0)
    # without the daily frame: the hourly day only
    alone = env.air_annual(hourly, kind="hourly").set_index(["level", "unit"])
    assert alone.loc[("station", "A"), "n_pm2_5"] == 1


def test_an_hourly_day_whose_hours_are_too_few_stays_invalid() -> None:
    # 19 hours < 20 (GB 3095 表4): the day is invalid, and the daily row does not replace it
    hourly = _hours("A", "2025-03-01", pm2_5=40.0).iloc[:19]
    daily = pd.DataFrame({"station": ["A"], "time": ["2025-03-01"], "pm2_5": [55.0]})
    out = env.air_annual(hourly, kind="hourly", daily=daily)
    assert out.loc[0, "n_pm2_5"] == 0


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SQLite store with the default ``lanxi env demo`` (2025; 31 hourly days, a daily year)."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('airdemo')) / 's.sqlite'}"
    store.init_database(url)
    n = env_store.generate_demo(url=url)
    assert n["air_hourly"] == N_STATIONS * 31 * 24 * 6
    assert n["air_daily"] == N_STATIONS * 365 * 7  # every day valid: 6 pollutants + O3 8-h
    assert n["air_observations"] == n["air_hourly"] + n["air_daily"]
    yield url
    store.engine(url).dispose()


def test_demo_year_is_valid_and_counted_once(demo_url: str) -> None:
    result = env_store.air_annual(2025, url=demo_url)
    stations = result[result["level"] == "station"]
    cities = result[result["level"] == "city"]
    assert len(stations) == N_STATIONS and len(cities) == 10  # 兰州新区 is a CNEMC city
    for p in ("so2", "no2", "pm10", "pm2_5", "co", "o3_8h"):
        assert (result[f"n_{p}"] == 365).all(), p  # 31 hourly days + 334 daily, no day twice
        assert result[f"{p}_valid"].all()  # ≥ 324 days (HJ 663-2013)
    assert (result["aqi_days"] == 365).all()
    assert result["composite_index"].notna().all() and set(result["edition"]) == {"2012"}
    # near the 90 % target: some cities just above, some below, none exactly on it
    ratios = dict(zip(cities["unit"], cities["good_days_ratio"], strict=True))
    assert all(0.8 < r < 1 and r != 0.9 for r in ratios.values())
    assert any(0.9 < r < 0.92 for r in ratios.values())
    assert any(0.85 < r < 0.9 for r in ratios.values())
    assert sum(r < 0.95 for r in ratios.values()) >= 4


def test_demo_has_winter_particles_and_summer_ozone(demo_url: str) -> None:
    daily = env_store.air_frame("daily", demo_url, year=2025)
    month = pd.to_datetime(daily["time"]).dt.month
    means = daily.groupby(month)[["pm2_5", "pm10", "o3_8h", "so2"]].mean()
    winter, summer = means.loc[[12, 1, 2]].mean(), means.loc[[6, 7, 8]].mean()
    assert winter["pm2_5"] > 1.8 * summer["pm2_5"]
    assert winter["pm10"] > 1.4 * summer["pm10"] and winter["so2"] > 1.5 * summer["so2"]
    assert summer["o3_8h"] > 1.6 * winter["o3_8h"]
    assert 30 < daily["pm2_5"].mean() < 45  # the region's annual PM2.5, roughly


def test_demo_daily_values_of_hourly_days_come_from_the_hours(demo_url: str) -> None:
    hourly = env_store.air_frame("hourly", demo_url, year=2025)
    daily = env_store.air_frame("daily", demo_url, year=2025)
    derived = daily_from_hourly(hourly.drop(columns="city"))
    assert len(derived) == N_STATIONS * 31
    stored = daily.merge(derived, on=["station", "time"], suffixes=("", "_h"))
    assert len(stored) == len(derived)
    for p in ("pm2_5", "co", "o3_8h"):
        digits = 1 if p == "co" else 0
        np.testing.assert_allclose(stored[p], np.round(stored[f"{p}_h"], digits))
    assert daily["time"].dt.year.eq(2025).all() and daily["time"].nunique() == 365


def test_air_frame_by_year_and_without_data(demo_url: str, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="daily air observations of 2024"):
        env_store.air_frame("daily", demo_url, year=2024)
    with pytest.raises(NotFoundError, match="no air observations of 2024"):
        env_store.air_annual(2024, url=demo_url)
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    store.init_database(url)
    n = env_store.generate_demo(air_days=3, air_daily=False, url=url)  # the former demo
    assert n["air_daily"] == 0 and n["air_hourly"] == N_STATIONS * 3 * 24 * 6
    only_hours = env_store.air_annual(2025, url=url)
    assert (only_hours["n_pm2_5"] == 3).all() and not only_hours["pm2_5_valid"].any()
    store.engine(url).dispose()
