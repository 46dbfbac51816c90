"""Stored hours become station-days by one rule, and the annual evaluation and the views agree.

:func:`lanxi.services.environment.store.air_station_days` (→
:func:`lanxi.services.environment.assessments.station_days`) is the one reading of the stored
observations: :func:`~lanxi.services.environment.store.air_annual` (HJ 663, ``/air/annual``) and
:func:`~lanxi.services.environment.views.city_days` (the targets, the good-days ratio, the
calendar) both take it. A tiny store, every expectation worked by hand below.

The rule, from the standards' text:

* GB 3095-2012 表4 (7.4) and GB 3095-2026 表4 (6.4): a 24-hour mean of SO2, NO2, CO, PM10, PM2.5
  needs 每日至少有20个小时平均浓度值 — 20 valid hours of *that pollutant* on the calendar day;
  19 leave that pollutant's day invalid, the others stand.
* A station-day with hourly rows takes its values from them only; a stored daily row counts only
  on a station-day without hours (docs/air.md).
* The edition of a day is the one in force on it: GB 3095-2026 / HJ 633-2026 from 2026-03-01
  (HJ 633-2026 封面). HJ 633-2026 5.3.1: with an indicator of the daily report missing or invalid
  the AQI is published only when above 100; HJ 633-2012 has no such rule.
* A city's day is the mean of its 城市点 (HJ 663-2013 4.1); a 对照点 (1477A 榆中兰大校区) is none.

Hourly rows (every hour 0…23 unless said; ``-`` no row), background SO2 10, NO2 20, CO 0.5,
PM10 40, O3 60 µg/m³ (CO mg/m³) at every hour:

==================  ==========================  ==========================  ===========
station (兰州市)    2026-02-28 (2012 rules)     2026-03-01 (2026 rules)     2026-03-02
==================  ==========================  ==========================  ===========
1478A 生物制品所    PM2.5 70 at 20 h (just      PM2.5 70 at 20 h (valid)    daily row
                    enough); NO2 at 19 h only                               only
1479A 铁路设计院    PM2.5 200 at 19 h (one      PM2.5 30 at 19 h (one       ``-``
                    short); NO2 all 24 h        short); NO2 at 20 h
1477A 对照点        PM2.5 300                   PM2.5 300                   ``-``
==================  ==========================  ==========================  ===========

Stored daily rows: 1478A on 02-28 and 03-01 with PM2.5 10 (days with hours: never read) and on
03-02 SO2 10, NO2 20, CO 0.5, PM10 40, PM2.5 50, O3 1-h 60, O3 8-h 60 (a day without hours: read).

Station-days: 1478A 02-28 PM2.5 70, NO2 invalid; 03-01 PM2.5 70, NO2 20; 03-02 PM2.5 50.
1479A 02-28 PM2.5 invalid, NO2 20; 03-01 PM2.5 invalid, NO2 20. O3 8-h: 60 on every hourly day
(17 windows ending 8…24 时, all complete).

AQI (HJ 633, IAQI = linear between breakpoints, rounded up; every other IAQI ≤ 40, PM10 40 → 40):

* 兰州市 02-28, 2012: PM2.5 (70) only from 1478A → 50 + (70−35)/(75−35)·50 = 93.75 → **94**, good.
* 兰州市 03-01, 2026: PM2.5 70 → 100 + (70−60)/(115−60)·50 = 109.1 → **110**, not good.
* 兰州市 03-02, 2026: PM2.5 50 → 50 + (50−35)/(60−35)·50 = **80**, good.

Under HJ 633-2012 throughout (the edition of the plans' targets): 03-01 → 94, 03-02 →
50 + (50−35)/(75−35)·50 = 68.75 → 69, so 3 good days of 3 (100 %).

So 兰州市 (edition of each day): 3 days with an AQI, 2 good, ratio 2/3 = 66.7 %; PM2.5 annual mean (70+70+50)/3 = 63.3
(with 1479A's 19-hour days counted it would be (135+50+50)/3, with the control point in it the
first day alone would be (70+300)/2 = 185; with 02-28's stored row read, 10). Station 1478A: the
same three days (it is the city's only valid PM2.5), 2 good. Station 1479A: 02-28 under 2012 has
an AQI (max of the others, 40, good); 03-01 under 2026 lacks PM2.5 and its AQI would be ≤ 100, so
none is published (5.3.1): 1 day with an AQI, 1 good; PM2.5 valid on no day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import insert

from lanxi.services import store
from lanxi.services.environment import store as env_store
from lanxi.services.environment import views
from lanxi.storage.env_models import AirObservationRow

BACKGROUND = {"so2": 10.0, "no2": 20.0, "co": 0.5, "pm10": 40.0, "o3_1h": 60.0}
D1, D2, D3 = dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 3, 2)


def _hours(station: str, day: dt.date, pm2_5: float, pm_hours: int, no2_hours: int) -> list[dict]:
    rows = []
    for h in range(24):
        t = dt.datetime.combine(day, dt.time(h))
        values = dict(BACKGROUND)
        if h >= no2_hours:
            del values["no2"]
        if h < pm_hours:
            values["pm2_5"] = pm2_5
        rows += [
            {"station_id": station, "time": t, "kind": "hourly", "pollutant": p, "value": v}
            for p, v in values.items()
        ]
    return rows


def _daily(station: str, day: dt.date, **values: float) -> list[dict]:
    t = dt.datetime.combine(day, dt.time())
    return [
        {"station_id": station, "time": t, "kind": "daily", "pollutant": p, "value": v}
        for p, v in values.items()
    ]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    u = f"sqlite:///{Path(tmp_path_factory.mktemp('stationdays')) / 's.sqlite'}"
    store.init_database(u)
    env_store.load_network(u)
    rows = [
        *_hours("1478A", D1, 70.0, pm_hours=20, no2_hours=19),
        *_hours("1478A", D2, 70.0, pm_hours=20, no2_hours=24),
        *_hours("1479A", D1, 200.0, pm_hours=19, no2_hours=24),
        *_hours("1479A", D2, 30.0, pm_hours=19, no2_hours=20),
        *_hours("1477A", D1, 300.0, pm_hours=24, no2_hours=24),
        *_hours("1477A", D2, 300.0, pm_hours=24, no2_hours=24),
        *_daily("1478A", D1, pm2_5=10.0),
        *_daily("1478A", D2, pm2_5=10.0),
        *_daily(
            "1478A", D3, so2=10.0, no2=20.0, co=0.5, pm10=40.0, pm2_5=50.0, o3_1h=60.0, o3_8h=60.0
        ),
    ]
    with store.session(u) as s:
        s.execute(insert(AirObservationRow), [{**r, "synthetic": True} for r in rows])
    yield u
    store.engine(u).dispose()


def _v(x: object) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)  # type: ignore[arg-type]


def test_the_station_days_by_hand(url: str) -> None:
    days = env_store.air_station_days(url).set_index(["station", "time"])
    got = {
        (s, t.date()): (_v(r["pm2_5"]), _v(r["no2"]), _v(r["o3_8h"]), r["edition"])
        for (s, t), r in days.iterrows()
        if s != "1477A"
    }
    assert {k: (v[0], v[1], v[2]) for k, v in got.items()} == {
        ("1478A", D1): (70.0, None, 60.0),  # PM2.5 at 20 h: valid; NO2 at 19 h: not
        ("1478A", D2): (70.0, 20.0, 60.0),  # the stored daily PM2.5 10 of these days unread
        ("1478A", D3): (50.0, 20.0, 60.0),  # no hours: the stored daily row
        ("1479A", D1): (None, 20.0, 60.0),  # PM2.5 at 19 h: one short
        ("1479A", D2): (None, 20.0, 60.0),  # PM2.5 at 19 h; NO2 at 20 h: valid
    }
    # the edition of the hourly days is the one in force on each; a stored row has none
    assert got[("1478A", D1)][3] == "2012" and got[("1479A", D1)][3] == "2012"
    assert got[("1478A", D2)][3] == "2026" and got[("1479A", D2)][3] == "2026"
    assert pd.isna(got[("1478A", D3)][3])
    assert set(days.reset_index()["city"]) == {"兰州市"}
    # one year, the same days
    year = env_store.air_station_days(url, year=2026)
    assert len(year) == len(days) == 7


def test_the_targets_view_reads_those_days(url: str) -> None:
    lz = pd.DataFrame(views.city_days(url)).set_index("city").loc["620100"]
    assert [t.date() for t in lz["time"]] == [D1, D2, D3]
    assert list(lz["pm2_5"]) == [70.0, 70.0, 50.0]  # 1479A's short days and 1477A left out
    assert list(lz["no2"]) == [20.0, 20.0, 20.0]
    calendar = {r["date"]: r["aqi"] for r in views.air_daily_aqi(url, city="兰州市")}
    assert calendar == {"2026-02-28": 94, "2026-03-01": 110, "2026-03-02": 80}
    rows = [
        r
        for r in views.air_targets(url, year=2026)
        if r["level"] == "city" and r["unit"] == "620100"
    ]
    assert rows
    for r in rows:
        # edition of each day: 2 good of 3 (above); under the target's own edition (the plans'
        # targets are HJ 633-2012's) 03-01 is 94 and 03-02 69 (50 + 15/40·50 = 68.75): 3 of 3
        assert r["edition"] == "2012"
        assert r["good_days_ratio_by_day"] == pytest.approx(66.7)
        assert r["good_days_ratio"] == pytest.approx(100.0)


def test_the_annual_evaluation_reads_the_same_days(url: str) -> None:
    out = env_store.air_annual(2026, url=url).set_index(["level", "unit"])
    city = out.loc[("city", "兰州市")]
    assert city["n_pm2_5"] == 3 and city["pm2_5_annual_mean_raw"] == pytest.approx(190 / 3)
    assert city["aqi_days"] == 3 and city["good_days"] == 2
    assert city["good_days_ratio_raw"] == pytest.approx(2 / 3)
    a = out.loc[("station", "1478A")]
    assert a["n_pm2_5"] == 3 and a["n_no2"] == 2
    assert a["aqi_days"] == 3 and a["good_days"] == 2
    b = out.loc[("station", "1479A")]
    assert b["n_pm2_5"] == 0 and b["n_no2"] == 2
    assert b["aqi_days"] == 1 and b["good_days"] == 1
    # the two consumers, one figure: /air/annual's city row and the targets view's ratio by day
    view = {r["unit"]: r for r in views.air_annual_cities(url, 2026) if r["level"] == "city"}
    assert view["兰州市"]["good_days"] == 2 and view["兰州市"]["aqi_days"] == 3
    targets = [
        r
        for r in views.air_targets(url, year=2026)
        if r["level"] == "city" and r["unit"] == "620100"
    ]
    assert targets
    for r in targets:
        assert r["good_days_ratio_by_day"] == pytest.approx(
            100 * city["good_days_ratio_raw"], abs=0.05
        )


def test_the_bulletins_daily_aqi_takes_the_same_days_and_editions(url: str) -> None:
    from lanxi.services import bulletins

    # the frames the annual air report hands the bulletin (reports/builders/air.py); the control
    # point is taken out here because the bulletin's city day is still the plain mean of the
    # stations it is given (city_daily), not city_days_by_code — noted in changes/h12days.md
    frames = [env_store.air_frame(k, url, year=2026) for k in ("hourly", "daily")]
    hourly, daily = (f[f["station"] != "1477A"] for f in frames)
    days = bulletins.city_daily_aqi(hourly, daily, file="store")
    got = {t.date(): int(a) for t, a in zip(days["time"], days["aqi"], strict=True)}
    # 02-28 under HJ 633-2012 (94), not the edition of 31 December (2026: 110)
    assert got == {D1: 94, D2: 110, D3: 80}
