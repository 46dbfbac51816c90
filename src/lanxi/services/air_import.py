"""``lanxi air import``: CNEMC release files → the station-hour and station-day tables.

Reads a folder or archive of CNEMC's hourly national release files and/or ``china_sites`` files
(:mod:`lanxi.io.cnemc`), keeps the agglomeration's stations (every bundled code, current and
retired: :mod:`lanxi.services.stations`) and maps the published fields to the columns the engines
take (``lanxi air aqi``, ``lanxi air annual``, :func:`lanxi.services.environment.store.air_annual`):

station-hour (``time`` = the **start** of the hour; the release's ``timepoint`` is its end)
    ``so2``, ``no2``, ``co``, ``pm10``, ``pm2_5`` ← the fields of the same names;
    ``o3_1h`` ← ``o3_24h`` (the latest 1-hour O3: the field names are swapped);
    ``o3_8h`` ← ``o3_8h_24h`` (the latest 8-hour moving mean);
    ``so2_24h`` ← ``so2_24h`` (24-hour moving mean, used by the HJ 633-2012 real-time AQI when
    SO2 1-hour exceeds 800).
station-day (from the hour-00 files only; ``time`` = day D for the file of D+1 00时)
    ``so2``, ``no2``, ``co``, ``pm10``, ``pm2_5`` ← ``*_24h`` (the natural-day means of D);
    ``o3_1h`` ← ``o3`` (the maximum 1-hour value of the last 24 hours);
    ``o3_8h`` ← ``o3_8h`` (the day's maximum 8-hour mean).

Both tables carry ``station``, ``city`` (the bundled station's city; for a code not bundled,
the release's ``area``) and ``time``. They are written as CSV / Parquet / Excel, or stored as
air observations (``--store``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, delete, insert

from lanxi.errors import Problem, ValidationError
from lanxi.io.cnemc import read_releases
from lanxi.io.tables import check_output, write_table
from lanxi.services import stations as station_list
from lanxi.services.store import session
from lanxi.storage.env_models import AirObservationRow

__all__ = [
    "DAILY_FIELDS",
    "HOURLY_FIELDS",
    "AirImport",
    "check_import_output",
    "import_releases",
    "published_agreement",
    "store_import",
    "write_import",
]

#: Engine column ← national-release field, station-hour table.
HOURLY_FIELDS: dict[str, str] = {
    "so2": "so2",
    "so2_24h": "so2_24h",
    "no2": "no2",
    "co": "co",
    "o3_1h": "o3_24h",
    "o3_8h": "o3_8h_24h",
    "pm10": "pm10",
    "pm2_5": "pm2_5",
}
#: Engine column ← national-release field, station-day table (hour-00 files).
DAILY_FIELDS: dict[str, str] = {
    "so2": "so2_24h",
    "no2": "no2_24h",
    "co": "co_24h",
    "pm10": "pm10_24h",
    "pm2_5": "pm2_5_24h",
    "o3_1h": "o3",
    "o3_8h": "o3_8h",
}
#: Hourly columns stored as observations (the moving means are derived, not stored).
STORED_HOURLY: tuple[str, ...] = ("so2", "no2", "co", "o3_1h", "pm10", "pm2_5")


@dataclass(frozen=True)
class AirImport:
    """The result of an import.

    Attributes
    ----------
    hourly, daily : pandas.DataFrame
        The station-hour and station-day tables (columns in the module docstring).
    published : pandas.DataFrame
        Per station-hour the published ``aqi`` and ``primarypollutant`` (``station``, ``time``),
        to compare with the engine's.
    n_files : int
        Files read.
    n_stations : int
        Stations with at least one row.
    """

    hourly: pd.DataFrame
    daily: pd.DataFrame
    published: pd.DataFrame
    n_files: int
    n_stations: int


def import_releases(
    path: Path,
    *,
    all_stations: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> AirImport:
    """Read a folder or archive of release files into station-hour and station-day tables.

    Parameters
    ----------
    path : Path
        Folder or ``.zip`` / ``.tar`` archive (:func:`lanxi.io.cnemc.read_releases`).
    all_stations : bool
        Keep every station of the files, not only the agglomeration's bundled codes.
    progress : callable, optional
        ``progress(done, total)`` after each file.

    Returns
    -------
    AirImport

    Raises
    ------
    ValidationError
        Every unreadable value or file (nothing is returned), or no row of the wanted stations.
    """
    bundled = station_list.bundled_stations().set_index("id")
    n_files = [0]

    def _progress(done: int, total: int) -> None:
        n_files[0] = total
        if progress is not None:
            progress(done, total)

    raw = read_releases(path, None if all_stations else list(bundled.index), progress=_progress)
    if raw.empty:
        raise ValidationError(
            [
                Problem(
                    Path(path).name,
                    None,
                    "stationcode",
                    "no row of the agglomeration's stations "
                    f"({', '.join(sorted(bundled.index)[:4])}, …)",
                    message_zh="没有城市群站点的数据行",
                )
            ]
        )
    city = raw["stationcode"].map(bundled["city"]).fillna(raw["area"])
    base = pd.DataFrame({"station": raw["stationcode"], "city": city})
    hourly = base.assign(time=raw["timepoint"] - pd.Timedelta(hours=1))
    for col, field in HOURLY_FIELDS.items():
        hourly[col] = raw[field].to_numpy()
    midnight = (raw["timepoint"].dt.hour == 0).to_numpy()
    daily = base[midnight].assign(
        time=raw.loc[midnight, "timepoint"].dt.normalize() - pd.Timedelta(days=1)
    )
    for col, field in DAILY_FIELDS.items():
        daily[col] = raw.loc[midnight, field].to_numpy()
    published = pd.DataFrame(
        {
            "station": raw["stationcode"],
            "time": hourly["time"],
            "aqi": raw["aqi"],
            "primarypollutant": raw["primarypollutant"],
        }
    )
    return AirImport(
        hourly=hourly.reset_index(drop=True),
        daily=daily.reset_index(drop=True),
        published=published,
        n_files=n_files[0],
        n_stations=int(raw["stationcode"].nunique()),
    )


def _write(df: pd.DataFrame, path: Path) -> Path:
    """Write by extension (:func:`lanxi.io.tables.write_table`).

    Times stay timestamps in Parquet and Arrow, ``2025-06-01T08:00:00`` in CSV, Excel and JSON.
    """
    return write_table(df, path)


def check_import_output(path: Path) -> None:
    """Refuse an output extension before any work is done (:func:`lanxi.io.tables.check_output`)."""
    check_output(path)


def write_import(
    result: AirImport, hourly: Path | None = None, daily: Path | None = None
) -> list[Path]:
    """Write the station-hour and/or station-day tables (by extension: CSV, Parquet, …)."""
    written = []
    if hourly is not None:
        written.append(_write(result.hourly, Path(hourly)))
    if daily is not None:
        written.append(_write(result.daily, Path(daily)))
    return written


def _long(df: pd.DataFrame, kind: str, columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    cols = [c for c in columns if c in df]
    long = df.melt(
        id_vars=["station", "time"], value_vars=cols, var_name="pollutant", value_name="value"
    ).dropna(subset=["value"])
    long = long[long["value"] >= 0]
    return pd.DataFrame(
        {
            "station_id": long["station"].astype(str).to_numpy(),
            "time": long["time"].dt.to_pydatetime(),
            "kind": kind,
            "pollutant": long["pollutant"].to_numpy(),
            "value": long["value"].astype(float).to_numpy(),
        }
    )


def store_import(
    result: AirImport, url: str | None = None, *, batch: str | None = None
) -> dict[str, Any]:
    """Store the imported hours and days as air observations (replacing the same batch).

    Only the agglomeration's bundled stations can be stored (the observations reference
    ``air_stations``); the bundled stations are loaded first. A station-time-pollutant already
    stored from another batch is replaced by the imported value.

    Returns
    -------
    dict
        ``air_hourly`` and ``air_daily`` (rows written) and ``batch`` (its id).
    """
    from lanxi.services.environment.store import load_network

    known = set(station_list.bundled_stations()["id"])
    foreign = sorted(set(result.hourly["station"]) - known)
    if foreign:
        raise ValidationError(
            [
                Problem(
                    "import",
                    None,
                    "station",
                    f"not a bundled station, cannot be stored: {', '.join(foreign[:10])}",
                    message_zh="不是内置站点，无法写入数据库",
                )
            ]
        )
    load_network(url)
    batch = batch or f"import-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}"
    hours = _long(result.hourly, "hourly", STORED_HOURLY)
    days = _long(result.daily, "daily", list(DAILY_FIELDS))
    rows = pd.concat([hours, days], ignore_index=True)
    air_t = cast(Table, AirObservationRow.__table__)
    with session(url) as s:
        conn = s.connection()
        conn.execute(delete(air_t).where(air_t.c.batch_id == batch))
        # replace what the store holds for these station-times (any batch), then insert
        for kind, part in rows.groupby("kind"):
            for st, grp in part.groupby("station_id"):
                t0, t1 = grp["time"].min(), grp["time"].max()
                conn.execute(
                    delete(air_t).where(
                        air_t.c.station_id == st,
                        air_t.c.kind == kind,
                        air_t.c.time >= t0,
                        air_t.c.time <= t1,
                    )
                )
        records = rows.assign(synthetic=False, batch_id=batch).to_dict("records")
        chunk = 50_000
        for i in range(0, len(records), chunk):
            conn.execute(insert(air_t), records[i : i + chunk])
    return {"air_hourly": len(hours), "air_daily": len(days), "batch": batch}


def published_agreement(result: AirImport, edition: str = "2012") -> pd.DataFrame:
    """The engine's real-time AQI of the imported hours beside the published ``aqi``.

    CNEMC's practice (``docs/air.md``, validation): PM 1-hour values, O3 1-hour, no O3 8-hour,
    HJ 633-2012 breakpoints. Returns ``station``, ``time``, ``aqi`` (engine), ``pub_aqi``.
    """
    from lanxi.compute.air import compute_aqi

    cols = ["station", "time", "so2", "so2_24h", "no2", "co", "o3_1h", "pm10", "pm2_5"]
    res = compute_aqi(result.hourly[cols], kind="hourly", edition=edition)  # type: ignore[arg-type]
    aqi = pd.Series(res["aqi"].to_numpy(), dtype="Float64")
    pub = pd.Series(result.published["aqi"].to_numpy(), dtype="Float64")
    return pd.DataFrame(
        {
            "station": result.hourly["station"].to_numpy(),
            "time": result.hourly["time"].to_numpy(),
            "aqi": aqi,
            "pub_aqi": pub,
            "agree": (aqi == pub).fillna(False).astype(bool),
        }
    )
