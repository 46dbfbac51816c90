"""A city's days have one definition: the annual evaluation's city rows and the plan targets agree.

Both read :func:`lanxi.services.environment.assessments.city_days_by_code`. A tiny fixture of four
days of 2025 (HJ 633-2012 in force all year), PM2.5 only, so every expectation is worked by hand:
a day is good when its AQI ≤ 100, i.e. when PM2.5 (24 h) ≤ 75 µg/m³ (HJ 633-2012 表1, IAQI 100).

==========================  =========  ====  ====  ====  ====
station                     city       1-1   1-2   1-3   1-4
==========================  =========  ====  ====  ====  ====
1478A 生物制品所            兰州市     40    80    120   50
1479A 铁路设计院            兰州       60    60    20    90
1477A 榆中兰大校区 (对照点)  兰州市     200   200   200   200
3245A 新区管委会            兰州新区   30    200   30    30
2667A 环保局                临夏州     70    80    70    70
==========================  =========  ====  ====  ====  ====

* 兰州市 (620100), 城市点 only: days (40+60)/2 = 50, (80+60)/2 = 70, (120+20)/2 = 70,
  (50+90)/2 = 70 — four good days of four, 100 %; annual mean (50+70+70+70)/4 = 65.0.
  With the control point: 100, 113.3, 110, 113.3 → no good day (0 %); with 兰州新区's station
  inside: 43.3, 113.3, 56.7, 56.7 → 75 %. Either mistake shows.
* 兰州新区 (620171), a unit of its own: 30, 200, 30, 30 → 3 good days of 4, 75 %.
* 临夏回族自治州 (622900; the data say 临夏州): 70, 80, 70, 70 → 75 %.
"""

from __future__ import annotations

import pandas as pd
import pytest

from lanxi.services.environment import assessments as env

DAYS = pd.date_range("2025-01-01", periods=4, freq="D")
ROWS = {
    ("1478A", "兰州市"): [40.0, 80.0, 120.0, 50.0],
    ("1479A", "兰州"): [60.0, 60.0, 20.0, 90.0],
    ("1477A", "兰州市"): [200.0, 200.0, 200.0, 200.0],
    ("3245A", "兰州新区"): [30.0, 200.0, 30.0, 30.0],
    ("2667A", "临夏州"): [70.0, 80.0, 70.0, 70.0],
}


@pytest.fixture
def daily() -> pd.DataFrame:
    return pd.concat(
        [
            pd.DataFrame({"station": s, "city": c, "time": DAYS, "pm2_5": v})
            for (s, c), v in ROWS.items()
        ],
        ignore_index=True,
    )


def test_city_days_by_code(daily: pd.DataFrame) -> None:
    days = env.city_days_by_code(daily).set_index(["city", "time"])["pm2_5"]
    assert sorted(days.index.get_level_values(0).unique()) == ["620100", "620171", "622900"]
    assert list(days.loc["620100"]) == [50.0, 70.0, 70.0, 70.0]  # no 1477A, no 3245A
    assert list(days.loc["620171"]) == [30.0, 200.0, 30.0, 30.0]
    assert list(days.loc["622900"]) == [70.0, 80.0, 70.0, 70.0]


def test_annual_city_rows_are_those_of_the_city_days(daily: pd.DataFrame) -> None:
    out = env.air_annual(daily, kind="daily")
    city = out[out["level"] == "city"].set_index("unit")
    assert list(city.index) == ["临夏回族自治州", "兰州市", "兰州新区"]  # names, in their order
    assert city["region_code"].to_dict() == {
        "临夏回族自治州": "622900",
        "兰州市": "620100",
        "兰州新区": "620171",
    }
    assert city.loc["兰州市", "good_days_ratio"] == pytest.approx(1.0)
    assert city.loc["兰州市", "pm2_5_annual_mean_raw"] == pytest.approx(65.0)
    assert city.loc["兰州新区", "good_days_ratio"] == pytest.approx(0.75)
    assert city.loc["临夏回族自治州", "good_days_ratio"] == pytest.approx(0.75)
    stations = out[out["level"] == "station"].set_index("unit")
    # the control point keeps its station row, marked; 1479A's city reads the current name
    assert bool(stations.loc["1477A", "control_point"]) is True
    assert stations.loc["1479A", "city"] == "兰州市"
    assert stations.loc["1478A", "good_days_ratio"] == pytest.approx(0.5)  # 40, 50 of four


def test_targets_read_the_same_city_days(daily: pd.DataFrame) -> None:
    out = env.air_targets(daily, kind="daily")
    lzec = out[out["target_id"] == "gansu2021.lzec.air_good_days_ratio.2025"]
    city = lzec[lzec["level"] == "city"].set_index("unit")
    # 兰州经济圈 covers 兰州 and 临夏 here; 兰州新区 is under no target
    assert sorted(city.index) == ["620100", "622900"]
    assert "620171" not in set(out["unit"])
    assert city.loc["620100", "good_days_ratio"] == pytest.approx(100.0)
    assert city.loc["622900", "good_days_ratio"] == pytest.approx(75.0)
    # the group value: the mean of its cities' ratios, (100 + 75) / 2
    assert lzec.loc[lzec["level"] == "target", "good_days_ratio"].iloc[0] == pytest.approx(87.5)
