"""The bundled CNEMC station list: 2022 codes, retired 2017/2018 codes, control points (对照点)."""

from __future__ import annotations

import pandas as pd
import pytest

from lanxi.services import stations
from lanxi.services.environment import assessments as env

# stations_2022.csv of the 2022-01-01T00 release, typed from the file
CODES_2022 = {
    "1476A", "1477A", "1478A", "1479A", "1483A", "2647A", "2648A", "2663A", "2664A", "2667A",
    "2668A", "2671A", "2672A", "2673A", "3055A", "3186A", "3241A", "3242A", "3245A", "3246A",
    "3629A", "3630A", "3867A",
}  # fmt: skip
RETIRED = {"1475A", "1480A", "1481A", "1482A", "2670A", "3129A"}


def test_current_list_is_the_2022_release() -> None:
    cur = stations.current_stations()
    assert set(cur["id"]) == CODES_2022
    assert set(stations.stations_valid_on("2022-01-01")["id"]) == CODES_2022
    assert stations.control_points() == {"1477A", "1483A"}  # 榆中兰大校区, 第五水厂
    row = cur.set_index("id").loc["3245A"]
    assert (row["name"], row["city"], row["lon"], row["lat"]) == (
        "新区管委会",
        "兰州新区",
        "103.6633",
        "36.533",
    )
    # names carry no "(对照点)" marker: the flag is a column
    assert not cur["name"].str.contains("对照点").any()


def test_historical_codes_still_resolve() -> None:
    old = stations.stations_valid_on("2017-07-07")
    assert RETIRED - {"3129A"} <= set(old["id"])  # 3129A first seen 2018-02-20
    assert not set(old["id"]) & {"3186A", "3245A", "3867A"}
    assert "3129A" in set(stations.stations_valid_on("2018-02-20")["id"])
    every = stations.bundled_stations().set_index("id")
    assert set(every.index) >= RETIRED
    assert (every.loc[sorted(RETIRED), "valid_to"] == "2022-01-01").all()
    assert every.loc["1475A", "city"] == "兰州市"


def _year(station: str, pm2_5: float, city: str) -> pd.DataFrame:
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    return pd.DataFrame(
        {
            "station": station,
            "time": days,
            "city": city,
            "so2": 10.0,
            "no2": 20.0,
            "pm10": 50.0,
            "pm2_5": pm2_5,
            "co": 0.8,
            "o3_8h": 100.0,
        }
    )


def test_city_evaluation_leaves_control_points_out() -> None:
    # 兰州: 1477A (对照点) at PM2.5 10 all year, 1478A at 40 → the city's mean is 40, not 25
    df = pd.concat([_year("1477A", 10.0, "兰州市"), _year("1478A", 40.0, "兰州市")])
    out = env.air_annual(df, kind="daily").set_index(["level", "unit"])
    assert out.loc[("city", "兰州市"), "pm2_5_annual_mean"] == pytest.approx(40.0)
    assert out.loc[("station", "1477A"), "pm2_5_annual_mean"] == pytest.approx(10.0)
    assert bool(out.loc[("station", "1477A"), "control_point"]) is True
    assert bool(out.loc[("station", "1478A"), "control_point"]) is False
    # told that no station is a control point, the city averages both: (10 + 40) / 2
    both = env.air_annual(df, kind="daily", control_points=[]).set_index(["level", "unit"])
    assert both.loc[("city", "兰州市"), "pm2_5_annual_mean"] == pytest.approx(25.0)
