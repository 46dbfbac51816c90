"""Daily values from hourly data: GB 3095 表4 validity, O3 daily max 8-hour, moving averages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lanxi.compute.air import compute_aqi, daily_from_hourly, o3_8h_moving
from lanxi.compute.air.daily import moving_average
from lanxi.errors import ValidationError
from lanxi.standards.hj633 import validity_rules


def _day(
    start: str, values: list[float], column: str = "pm2_5", station: str = "A"
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "station": station,
            "time": pd.date_range(start, periods=len(values), freq="h"),
            column: values,
        }
    )


@pytest.mark.parametrize("day", ["2025-06-01", "2026-06-01"])
def test_20_hours_valid_19_missing(day: str) -> None:
    assert validity_rules("2012").daily_min_hours == 20
    assert validity_rules("2026").daily_min_hours == 20
    nineteen = _day(day, [10.0] * 19 + [np.nan] * 5)
    twenty = _day(day, [10.0] * 19 + [30.0] + [np.nan] * 4)
    assert np.isnan(daily_from_hourly(nineteen)["pm2_5"].iloc[0])
    assert daily_from_hourly(twenty)["pm2_5"].iloc[0] == pytest.approx(11.0)


def test_missing_hours_are_not_zeros() -> None:
    values = [40.0] * 20 + [np.nan] * 4
    out = daily_from_hourly(_day("2025-01-01", values), counts=True)
    assert out["pm2_5"].iloc[0] == 40.0
    assert out["n_pm2_5"].iloc[0] == 20


def test_hour_label_end_moves_24shi_to_the_day_before() -> None:
    # Chinese labels: 1时 … 24时, where 24时 is 00:00 of the next day
    times = pd.date_range("2025-01-01 01:00", periods=24, freq="h")
    frame = pd.DataFrame({"station": "A", "time": times, "so2": np.arange(24, dtype=float)})
    end = daily_from_hourly(frame, hour_label="end")
    assert end["time"].tolist() == [pd.Timestamp("2025-01-01")]
    assert end["so2"].iloc[0] == pytest.approx(11.5)
    start = daily_from_hourly(frame)  # 23 hours on Jan 1 and 1 on Jan 2
    assert len(start) == 2


def test_several_stations_and_days_sorted() -> None:
    frame = pd.concat(
        [
            _day("2025-01-02", [2.0] * 24, station="B"),
            _day("2025-01-01", [1.0] * 48, station="A"),
        ]
    ).sample(frac=1.0, random_state=0)
    out = daily_from_hourly(frame)
    assert out[["station", "time"]].astype(str).values.tolist() == [
        ["A", "2025-01-01"],
        ["A", "2025-01-02"],
        ["B", "2025-01-02"],
    ]
    assert out["pm2_5"].tolist() == [1.0, 1.0, 2.0]


class TestOzone:
    def test_daily_max_8h_over_the_17_windows_of_the_day(self) -> None:
        # a peak of 200 at 14:00-15:00; the windows ending 8时…24时 lie inside the day
        o3 = [50.0] * 24
        o3[14] = 200.0
        out = daily_from_hourly(_day("2025-07-01", o3, column="o3_1h"))
        assert out["o3_1h"].iloc[0] == 200.0
        assert out["o3_8h"].iloc[0] == pytest.approx((7 * 50 + 200) / 8)

    def test_window_needs_6_hours_and_day_needs_14_windows(self) -> None:
        # hours 0-9 missing; the window starting at hour s covers s…s+7 and holds s - 2 values
        # while s ≤ 10, so it is valid (≥ 6 values) for s = 8…16: 9 windows
        o3 = [np.nan] * 10 + [100.0] * 14
        out = daily_from_hourly(_day("2025-07-01", o3, column="o3_1h"), counts=True)
        assert out["n_o3_8h"].iloc[0] == 9
        assert np.isnan(out["o3_8h"].iloc[0])  # 9 < 14 and 100 ≤ 160
        # same gaps but above the grade Ⅱ limit (160): still valid (HJ 663-2013)
        out = daily_from_hourly(_day("2025-07-01", [np.nan] * 10 + [200.0] * 14, column="o3_1h"))
        assert out["o3_8h"].iloc[0] == 200.0

    def test_gap_inside_a_window_averages_the_hours_present(self) -> None:
        o3 = [60.0] * 24
        o3[12] = np.nan
        o3[13] = np.nan
        o3[16] = 180.0
        out = daily_from_hourly(_day("2025-07-01", o3, column="o3_1h"), counts=True)
        assert out["n_o3_8h"].iloc[0] == 17  # every window keeps ≥ 6 hours
        # best window holds 180 with the fewest 60s: 6 values (two missing) → (5·60 + 180) / 6 = 80
        assert out["o3_8h"].iloc[0] == pytest.approx(80.0)

    def test_moving_8h_crosses_midnight(self) -> None:
        values = [float(h) for h in range(48)]
        frame = _day("2025-07-01", values, column="o3_1h")
        got = o3_8h_moving(frame)
        assert np.isnan(got[:5]).all()  # fewer than 6 hours so far
        assert got[5] == pytest.approx(np.mean(values[0:6]))
        assert got[24] == pytest.approx(np.mean(values[17:25]))  # 17…24 spans midnight
        assert got[47] == pytest.approx(np.mean(values[40:48]))

    def test_moving_24h_pm(self) -> None:
        values = [float(h % 24) for h in range(72)]
        values[30] = np.nan
        frame = _day("2025-01-01", values)
        got = moving_average(frame, "pm2_5", hours=24, min_hours=20)
        assert np.isnan(got[:19]).all()
        assert got[23] == pytest.approx(11.5)
        assert got[40] == pytest.approx(np.nanmean(values[17:41]))


class TestErrors:
    def test_duplicate_hours_and_off_hour_times(self) -> None:
        frame = pd.DataFrame(
            {
                "station": ["A", "A", "A"],
                "time": ["2025-01-01 00:00", "2025-01-01 00:00", "2025-01-01 01:30"],
                "pm10": [1.0, 2.0, 3.0],
            }
        )
        with pytest.raises(ValidationError) as info:
            daily_from_hourly(frame)
        text = str(info.value)
        assert "not on the hour" in text and "share a station and hour" in text

    def test_missing_station_column(self) -> None:
        with pytest.raises(ValidationError, match="station column missing"):
            daily_from_hourly(pd.DataFrame({"time": ["2025-01-01"], "pm10": [1.0]}))


def test_daily_output_feeds_daily_aqi() -> None:
    hours = pd.date_range("2026-03-01", periods=24, freq="h")
    frame = pd.DataFrame(
        {
            "station": "A",
            "time": hours,
            "pm2_5": [60.0] * 24,
            "pm10": [100.0] * 24,
            "o3_1h": [120.0] * 24,
        }
    )
    daily = daily_from_hourly(frame)
    # SO2, NO2 and CO declared outside the programme (HJ 633-2026 5.3.2), or 5.3.1 withholds 100
    out = compute_aqi(daily, kind="daily", not_monitored=("so2", "no2", "co"))
    # 2026: PM2.5 60 → 100 (良); PM10 100 → 50 + 50/70·50 = 85.7 → 86; O3 8-h 120 → 50 + 50/60·20
    assert out["aqi"].tolist() == [100]
    assert out["primary_pollutant"].tolist() == ["PM2.5"]
    assert "iaqi_o3_1h" not in out.columns
    assert out["iaqi_o3_8h"].tolist() == [67]


def test_input_frame_untouched() -> None:
    frame = _day("2025-07-01", [float(h) for h in range(48)], column="o3_1h")
    before = frame.copy()
    daily_from_hourly(frame)
    o3_8h_moving(frame)
    daily_from_hourly(frame, hour_label="end")
    assert frame.equals(before)


def test_daily_values_are_labelled_with_the_edition_of_their_rules() -> None:
    hours = pd.date_range("2026-02-28", periods=48, freq="h")
    frame = pd.DataFrame({"station": "A", "time": hours, "pm2_5": 30.0, "o3_1h": 80.0})
    days = daily_from_hourly(frame)
    assert days["edition"].astype(str).tolist() == ["2012", "2026"]
    assert daily_from_hourly(frame, edition="2026")["edition"].astype(str).tolist() == [
        "2026",
        "2026",
    ]
    out = compute_aqi(days, kind="daily")  # the label column is accepted and replaced
    assert out["edition"].astype(str).tolist() == ["2012", "2026"]
    assert out.columns.tolist().count("edition") == 1
