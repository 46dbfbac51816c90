"""The agglomeration's national air stations as CNEMC publishes them, with their history.

``lanxi/data/environment/air_stations.csv`` holds every station code of the agglomeration's
cities seen in CNEMC's national real-time release: the 23 of the 2022-01-01T00 release and the
codes of the 2017/2018 snapshots that are gone by then (1475A, 1480A–1482A, 2670A, 3129A). Each row
has ``valid_from`` (first release it is seen in) and ``valid_to`` (first release it is absent from;
empty while current), so historical data still resolves to a station and a city, and
``control_point`` (对照点, as CNEMC marks it in ``positionname``).

City evaluation leaves control points out: HJ 663-2013 evaluates a city on its 城市点
(urban assessment stations, HJ 664-2013 terms); a 对照点 (clean control point, in 2022
榆中兰大校区 1477A for 兰州 and 第五水厂 1483A for 西宁) is not one of them. See ``docs/air.md``
(对照点) for what was verified of the clause.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from io import StringIO

import pandas as pd

__all__ = [
    "bundled_stations",
    "control_points",
    "current_stations",
    "stations_valid_on",
]


@cache
def _read() -> pd.DataFrame:
    path = resources.files("lanxi") / "data" / "environment" / "air_stations.csv"
    return pd.read_csv(StringIO(path.read_text(encoding="utf-8")), dtype=str, keep_default_na=False)


def bundled_stations() -> pd.DataFrame:
    """Every bundled station code, current and retired, as text (``air_stations.csv``).

    Returns
    -------
    pandas.DataFrame
        ``id``, ``name``, ``city``, ``region_code``, ``cnemc_area``, ``lon``, ``lat``,
        ``control_point`` (``true``/``false``), ``valid_from``, ``valid_to`` (ISO dates; empty
        ``valid_to`` while current) and ``source``.
    """
    return _read().copy()


def stations_valid_on(day: dt.date | str) -> pd.DataFrame:
    """The stations published on ``day``: ``valid_from <= day`` and (``valid_to`` empty or later).

    Parameters
    ----------
    day : datetime.date or str
        A day (ISO text accepted).

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`bundled_stations` valid that day.
    """
    d = pd.Timestamp(day).date().isoformat()
    df = _read()
    ok = (df["valid_from"] <= d) & ((df["valid_to"] == "") | (df["valid_to"] > d))
    return df[ok].reset_index(drop=True)


def current_stations() -> pd.DataFrame:
    """The stations of the latest release bundled (``valid_to`` empty)."""
    df = _read()
    return df[df["valid_to"] == ""].reset_index(drop=True)


def control_points() -> frozenset[str]:
    """Codes of the bundled stations CNEMC marks as control points (对照点)."""
    df = _read()
    return frozenset(df.loc[df["control_point"] == "true", "id"])
