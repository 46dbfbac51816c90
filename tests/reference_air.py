"""A small reference for the good-days ratio, written from the standards' text — not from Lanxi.

It reads the stored **daily** observations with plain SQL (``sqlite3``), forms a city's day as the
mean of its stations' values (HJ 663-2013 4.1: 城市点位的算术平均), and calls a day good when its
AQI is at most 100, i.e. when every daily index is at most 100 — when every concentration is at
most the concentration at IAQI 100 (HJ 633 表1 (2012) / 表3 (2026)):

=========  ======  ======  =======  =========  ======  ======  =====
edition    SO2 24  NO2 24  PM10 24  CO 24 mg   O3 1h   O3 8h   PM2.5
=========  ======  ======  =======  =========  ======  ======  =====
2012       150     80      150      4          200     160     75
2026       150     80      120      4          (none)  160     60
=========  ======  ======  =======  =========  ======  ======  =====

HJ 633-2026 4.2.2 drops the O3 1-hour maximum from the daily report and rounds concentrations
per GB/T 8170 (integers, CO to 0.1 mg/m³) before the look-up; the 2012 edition uses them as
given. The edition of a day is the one in force on it (2026 from 2026-03-01, HJ 633-2026 封面).
Control points (对照点) are not 城市点 and stay out of a city's day: the stations CNEMC marks so,
read from the bundled station list's ``control_point`` column with the ``csv`` module.
Independent of the code under test: no import from ``lanxi``.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

STATIONS_CSV = Path(__file__).resolve().parents[1] / "src/lanxi/data/environment/air_stations.csv"


def control_points() -> set[str]:
    """Codes of the stations the bundled list marks as control points (对照点)."""
    with open(STATIONS_CSV, encoding="utf-8", newline="") as f:
        return {r["id"] for r in csv.DictReader(f) if r["control_point"] == "true"}


BP100 = {
    "2012": {"so2": 150, "no2": 80, "pm10": 150, "co": 4, "o3_1h": 200, "o3_8h": 160, "pm2_5": 75},
    "2026": {"so2": 150, "no2": 80, "pm10": 120, "co": 4, "o3_8h": 160, "pm2_5": 60},
}
SWITCH = dt.date(2026, 3, 1)


def edition_on(day: dt.date) -> str:
    """The HJ 633 edition in force on ``day``."""
    return "2026" if day >= SWITCH else "2012"


def _gbt8170(x: float, decimals: int) -> float:
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_EVEN))


def good(values: dict[str, float], edition: str) -> bool:
    """Whether a day's AQI is at most 100 under ``edition``."""
    for p, limit in BP100[edition].items():
        if p not in values:
            continue
        c = values[p]
        if edition == "2026":
            c = _gbt8170(c, 1 if p == "co" else 0)
        if c > limit:
            return False
    return True


def city_days(db: str, year: int) -> dict[str, dict[dt.date, dict[str, float]]]:
    """Per region code, per day of ``year``: the mean of the stations' daily values."""
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT s.region_code, o.station_id, o.time, o.pollutant, o.value "
        "FROM air_observations o JOIN air_stations s ON s.id = o.station_id "
        "WHERE o.kind = 'daily' AND o.time >= ? AND o.time < ?",
        (f"{year}-01-01", f"{year + 1}-01-01"),
    ).fetchall()
    con.close()
    acc: dict[str, dict[dt.date, dict[str, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    controls = control_points()
    for code, station, time, pollutant, value in rows:
        if station in controls:
            continue
        day = dt.date.fromisoformat(str(time)[:10])
        acc[code][day][pollutant].append(float(value))
    return {
        code: {d: {p: sum(v) / len(v) for p, v in ps.items()} for d, ps in days.items()}
        for code, days in acc.items()
    }


def good_days(db: str, year: int, edition: str | None = None) -> dict[str, tuple[int, int]]:
    """Per region code: (good days, days) of ``year``; ``edition`` None → each day's own."""
    out = {}
    for code, days in city_days(db, year).items():
        n_good = sum(good(v, edition or edition_on(d)) for d, v in days.items())
        out[code] = (n_good, len(days))
    return out


def percent(good_n: int, days: int) -> float:
    """优良天数比例 in percent, rounded to 0.1 % half to even (HJ 663 数据修约, GB/T 8170)."""
    return float(
        (Decimal(100 * good_n) / Decimal(days)).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    )


def mean_percent(ratios: list[tuple[int, int]]) -> float:
    """The group value: the mean of the cities' unrounded ratios, rounded once to 0.1 %."""
    m = sum(Decimal(100 * g) / Decimal(n) for g, n in ratios) / len(ratios)
    return float(m.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN))


#: The nine prefecture-level cities by their current names (GB/T 2260).
CODES = {
    "兰州市": "620100",
    "白银市": "620400",
    "定西市": "621100",
    "临夏回族自治州": "622900",
    "西宁市": "630100",
    "海东市": "630200",
    "海北藏族自治州": "632200",
    "黄南藏族自治州": "632300",
    "海南藏族自治州": "632500",
    # not one of the plan's cities: CNEMC publishes it as a city of its own, and Lanxi assesses
    # it as a unit of its own (never inside 兰州市's figure, never under a target)
    "兰州新区": "620171",
}
