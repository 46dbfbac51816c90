"""Synthetic environment series for ``lanxi env demo`` (no I/O: rows in, rows out).

:func:`.store.generate_demo` writes what these functions return. Nothing here is a
measurement or a standard's number; the levels below are chosen so the demonstration looks like the
region's air (Lanzhou and Xining publish annual PM2.5 means of roughly 30–40 µg/m³ and good-days
ratios of roughly 85–95 %) and exercises the evaluation, not to describe any real station.

Air model, per station, pollutant and day ``d`` of the year:

``daily mean = base × city level × station level × season(d) × weather(city, d) × noise(d)``

* ``season(d) = exp(amplitude × cos(2π (d − peak) / 365.25))`` — particles, SO2, NO2 and CO peak in
  the heating season (mid-January; PM10 a little later, with the spring dust), O3 in early summer;
* ``weather`` — one AR(1) series in log space per city (stagnant spells raise every primary
  pollutant at all the city's stations together and lower O3 a little), and ``noise`` an AR(1)
  series per station and pollutant;
* hourly values spread a day's mean over a diurnal shape (evening peak for the primary pollutants,
  afternoon peak for O3) with independent hourly noise; they are made for the whole year (in
  memory, a few MB) and stored for the first ``air_days`` days only;
* daily values (every day of the year) are computed from those hours by GB 3095 表4
  (:func:`daily_from_hourly`), so the two kinds agree as CNEMC's do, and the year evaluates (almost)
  the same whether a station-day is read from its hours or from its daily row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lanxi.compute.air import daily_from_hourly
from lanxi.standards.gb3838 import gb3838_table

#: Items the demo generates (GB 3838 表1 keys).
DEMO_WATER_ITEMS: tuple[str, ...] = ("ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn", "f")
#: Pollutants of the hourly demo data (CO in mg/m³, the rest µg/m³).
DEMO_AIR_POLLUTANTS: tuple[str, ...] = ("so2", "no2", "co", "o3_1h", "pm10", "pm2_5")
#: Columns of the daily demo data (24-hour means; O3 daily maximum 1-hour and 8-hour).
DEMO_AIR_DAILY: tuple[str, ...] = ("so2", "no2", "co", "pm10", "pm2_5", "o3_1h", "o3_8h")


@dataclass(frozen=True)
class _Season:
    base: float  # annual mean of the daily means (µg/m³; CO mg/m³)
    amplitude: float  # of the log seasonal cycle
    peak: int  # day of year of the seasonal maximum
    weather: float  # loading on the city's weather series
    sd: float  # stationary standard deviation of the station's log noise


#: Synthetic seasonal shape of each pollutant (``o3_1h``: the daily mean of the hourly O3).
SEASONS: dict[str, _Season] = {
    "so2": _Season(14.0, 0.45, 15, 0.5, 0.25),
    "no2": _Season(30.0, 0.25, 15, 0.6, 0.20),
    "co": _Season(0.8, 0.35, 15, 0.6, 0.20),
    "pm10": _Season(68.0, 0.35, 45, 1.0, 0.30),
    "pm2_5": _Season(33.0, 0.45, 15, 1.0, 0.28),
    "o3_1h": _Season(56.0, 0.38, 175, -0.3, 0.18),
}
#: Relative pollution level of each city (synthetic; the cities' own spread around ``base``).
CITY_LEVELS: dict[str, float] = {
    "兰州市": 1.22,
    "兰州新区": 1.1,
    "西宁市": 1.08,
    "白银市": 1.04,
    "定西市": 0.95,
    "临夏州": 0.97,
    "海东市": 0.75,
    "海北州": 0.75,
    "海南州": 0.8,
    "黄南州": 0.8,
}
_WEATHER_SD = 0.28  # stationary sd of the city's log weather series
_AR = 0.7  # day-to-day autocorrelation of the log series
_HOURLY_SD = 0.2  # log sd of an hour around the diurnal shape


def _diurnal(pollutant: str) -> np.ndarray:
    """Diurnal shape (24 values, mean 1) by the hour's start."""
    h = np.arange(24)
    if pollutant == "o3_1h":
        shape = 1 + 0.6 * np.cos((h - 15) / 24 * 2 * np.pi)
    else:
        shape = 1 + 0.3 * np.cos((h - 20) / 24 * 2 * np.pi)
    return shape / shape.mean()


def _ar1(rng: np.random.Generator, n: int, sd: float, size: int = 1) -> np.ndarray:
    """``size`` stationary AR(1) series of length ``n`` (log space, mean 0, sd ``sd``)."""
    out = np.empty((size, n))
    eps = rng.normal(0, sd * np.sqrt(1 - _AR**2), size=(size, n))
    out[:, 0] = rng.normal(0, sd, size=size)
    for i in range(1, n):
        out[:, i] = _AR * out[:, i - 1] + eps[:, i]
    return out


def _daily_means(
    stations: pd.DataFrame, days: pd.DatetimeIndex, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Daily means per pollutant, shape ``(stations, days)``."""
    n = len(days)
    doy = days.day_of_year.to_numpy()
    cities = list(dict.fromkeys(stations["city"]))
    weather = dict(zip(cities, _ar1(rng, n, _WEATHER_SD, len(cities)), strict=True))
    city_w = np.stack([weather[c] for c in stations["city"]])
    city_level = np.array([CITY_LEVELS.get(c, 1.0) for c in stations["city"]])
    station_level = rng.lognormal(0, 0.08, size=len(stations))
    out = {}
    for p, s in SEASONS.items():
        season = s.amplitude * np.cos(2 * np.pi * (doy - s.peak) / 365.25)
        noise = _ar1(rng, n, s.sd, len(stations))
        # exp(-σ²/2) keeps the mean of each lognormal factor at 1
        log = season + s.weather * city_w + noise - (s.weather * _WEATHER_SD) ** 2 / 2
        log -= s.sd**2 / 2
        level = 1.0 if p == "o3_1h" else city_level[:, None]
        out[p] = s.base * level * station_level[:, None] * np.exp(log)
    return out


def demo_air(
    stations: pd.DataFrame,
    year: int,
    air_days: int,
    daily: bool,
    rng: np.random.Generator,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Hourly rows for ``air_days`` days from 1 January and daily rows for every day of ``year``.

    Parameters
    ----------
    stations : pandas.DataFrame
        ``id`` and ``city`` of each station.
    year : int
    air_days : int
        Days of hourly data from ``year``-01-01 (may run past the year's end).
    daily : bool
        Also daily values for every day of ``year``.
    rng : numpy.random.Generator

    Returns
    -------
    (hourly, daily)
        Rows of ``air_observations`` (``station_id``, ``time``, ``kind``, ``pollutant``,
        ``value``), without ``synthetic`` and ``batch_id``.
    """
    start = pd.Timestamp(f"{year}-01-01")
    n_year = pd.Timestamp(f"{year}-12-31").day_of_year
    n_days = max(air_days, n_year if daily else 0)
    ids = list(stations["id"])
    hourly_rows: list[dict[str, Any]] = []
    daily_rows: list[dict[str, Any]] = []
    if n_days == 0:
        return hourly_rows, daily_rows
    means = _daily_means(stations, pd.date_range(start, periods=n_days, freq="D"), rng)
    hours = pd.date_range(start, periods=n_days * 24, freq="h")
    values: dict[str, np.ndarray] = {}  # (stations, hours), rounded as CNEMC publishes them
    for p in DEMO_AIR_POLLUTANTS:
        noise = rng.lognormal(-(_HOURLY_SD**2) / 2, _HOURLY_SD, size=(len(ids), len(hours)))
        vals = np.repeat(means[p], 24, axis=1) * np.tile(_diurnal(p), n_days) * noise
        values[p] = np.round(vals, 1 if p == "co" else 0)
    n_hours = air_days * 24
    py_hours = [t.to_pydatetime() for t in hours[:n_hours]]
    for p in DEMO_AIR_POLLUTANTS:
        for i, st in enumerate(ids):
            hourly_rows.extend(
                {"station_id": st, "time": t, "kind": "hourly", "pollutant": p, "value": v}
                for t, v in zip(py_hours, values[p][i, :n_hours].tolist(), strict=True)
            )
    if not daily:
        return hourly_rows, daily_rows
    # the daily values are those of the hours (stored or not): the two kinds always agree
    k = n_year * 24
    wide = pd.DataFrame(
        {
            "station": np.repeat(ids, k),
            "time": np.tile(hours[:k].to_numpy(), len(ids)),
            **{p: values[p][:, :k].reshape(-1) for p in DEMO_AIR_POLLUTANTS},
        }
    )
    days = daily_from_hourly(wide)
    stamps = days["time"].dt.to_pydatetime()
    for p in DEMO_AIR_DAILY:
        vals = np.round(days[p].to_numpy(dtype=float), 1 if p == "co" else 0)
        daily_rows.extend(
            {"station_id": st, "time": t, "kind": "daily", "pollutant": p, "value": v}
            for st, t, v in zip(days["station"].tolist(), stamps, vals.tolist(), strict=True)
            if v == v  # an invalid day (NaN) is not stored
        )
    return hourly_rows, daily_rows


def demo_water(sections: pd.DataFrame, year: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    """One sample a month at every section for ``year - 1`` and ``year`` (``water_samples`` rows).

    Values are drawn around the limit (GB 3838 表1) of the section's ``demo_class`` (the target
    class where a source states one, else the latest class a bulletin reports, else Ⅲ; sections
    without that column use ``target_class``): about 70 % of it, now and then above it; DO above
    it; pH around 8. The sections are real; the values are synthetic (the store flags them so).
    """
    table = gb3838_table()
    idx = {k: i for i, k in enumerate(table.items)}
    rows: list[dict[str, Any]] = []
    times = pd.date_range(f"{year - 1}-01-01", periods=24, freq="MS") + pd.Timedelta(days=14)
    for sec in sections.itertuples():
        level = getattr(sec, "demo_class", "") or sec.target_class
        target = int(level)
        for t in times:
            for item in DEMO_WATER_ITEMS:
                if item == "ph":
                    value = rng.normal(8.0, 0.3)
                elif item == "do":
                    value = table.river_limits[idx["do"], target - 1] * rng.lognormal(0.15, 0.2)
                else:
                    # around 70 % of the target-class limit; now and then above it
                    value = table.river_limits[idx[item], target - 1] * rng.lognormal(-0.35, 0.35)
                rows.append(
                    {
                        "section_id": sec.id,
                        "time": t.to_pydatetime(),
                        "item": item,
                        "value": round(float(value), 4),
                    }
                )
    return rows
