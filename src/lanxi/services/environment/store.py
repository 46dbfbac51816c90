"""The environment data in the store: the bundled network, samples and observations, demo data.

* :func:`load_network` upserts the bundled sections (``lanxi/data/environment/water_sections.csv``)
  and stations (``air_stations.csv``);
* :func:`samples_frame` returns the stored water samples as the wide frame the water services take
  (one row per section and time, items as columns, with ``waterbody``, ``target_class``, ``city``,
  ``province``);
* :func:`air_frame` returns stored air observations as a wide frame (``station``, ``time``,
  pollutants, ``city``), of one kind and optionally one year;
* :func:`air_station_days` turns the stored hourly and daily observations into station-days, a
  station-day from its hourly values when it has any, else from its daily values (the one rule,
  :func:`.assessments.station_days`); :func:`air_annual` evaluates a year of them (HJ 663);
* :func:`generate_demo` writes clearly labelled synthetic data (``synthetic = true``, batch
  ``demo-<seed>``) for every bundled section and station, so each command can be shown (the series
  themselves are made in :mod:`.demo`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from importlib import resources
from io import StringIO
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from lanxi.errors import NotFoundError, Problem, ValidationError
from lanxi.services import stations
from lanxi.services.environment import assessments
from lanxi.services.environment.demo import (
    DEMO_AIR_DAILY,
    DEMO_AIR_POLLUTANTS,
    DEMO_WATER_ITEMS,
    demo_air,
    demo_water,
)
from lanxi.services.monitoring.common import audit_entry, write_audit
from lanxi.services.read_cache import scoped
from lanxi.services.store import database_url, session
from lanxi.standards.hj633 import Edition
from lanxi.storage.env_models import (
    AirObservationRow,
    AirStationRow,
    WaterSampleRow,
    WaterSectionRow,
)

__all__ = [
    "DEMO_AIR_DAILY",
    "DEMO_AIR_POLLUTANTS",
    "DEMO_WATER_ITEMS",
    "air_annual",
    "air_frame",
    "air_station_days",
    "bundled_sections",
    "bundled_stations",
    "generate_demo",
    "load_network",
    "parties",
    "samples_frame",
    "section_places",
]


def _bundled(name: str) -> pd.DataFrame:
    path = resources.files("lanxi") / "data" / "environment" / name
    return pd.read_csv(StringIO(path.read_text(encoding="utf-8")), dtype=str, keep_default_na=False)


def _none(v: str) -> str | None:
    return v if v != "" else None


def _float(v: str) -> float | None:
    return float(v) if v != "" else None


def bundled_sections() -> pd.DataFrame:
    """The bundled water sections (``water_sections.csv``), as text."""
    return _bundled("water_sections.csv")


def bundled_stations() -> pd.DataFrame:
    """The bundled CNEMC air stations of the agglomeration (``air_stations.csv``), as text.

    Current and retired codes alike (:func:`lanxi.services.stations.bundled_stations`), so stored
    data of 2017/2018 codes still resolves to a station and a city.
    """
    return stations.bundled_stations()


def load_network(url: str | None = None) -> dict[str, int]:
    """Insert or update the bundled sections and stations; return how many of each."""
    sections = bundled_sections()
    station_rows = bundled_stations()
    with session(url) as s:
        before = {
            r.id: (r.target_class, r.region_code, r.name)
            for r in s.scalars(select(WaterSectionRow))
        }
        stations_before = {r.id: (r.city, r.region_code) for r in s.scalars(select(AirStationRow))}
        for r in sections.to_dict("records"):
            s.merge(
                WaterSectionRow(
                    id=r["id"],
                    name=r["name"],
                    river=r["river"],
                    waterbody=r["waterbody"],
                    region_code=_none(r["region_code"]),
                    city=_none(r["city"]),
                    province=_none(r["province"]),
                    lon=_float(r["lon"]),
                    lat=_float(r["lat"]),
                    target_class=int(r["target_class"]) if r["target_class"] else None,
                    border=r["border"] == "true",
                    upstream=_none(r["upstream"]),
                    downstream=_none(r["downstream"]),
                    synthetic_demo=r["synthetic_demo"] == "true",
                    source=r["source"],
                )
            )
        for r in station_rows.to_dict("records"):
            s.merge(
                AirStationRow(
                    id=r["id"],
                    name=r["name"],
                    city=r["city"],
                    region_code=_none(r["region_code"]),
                    lon=_float(r["lon"]),
                    lat=_float(r["lat"]),
                    source=r["source"],
                )
            )
        s.flush()
        changed = {
            r.id: {"target_class": r.target_class, "region_code": r.region_code, "name": r.name}
            for r in s.scalars(select(WaterSectionRow))
            if before.get(r.id) != (r.target_class, r.region_code, r.name)
        }
        moved = [
            r.id
            for r in s.scalars(select(AirStationRow))
            if stations_before.get(r.id) != (r.city, r.region_code)
        ]
        if changed or moved:
            # every write path leaves an audit entry, and the entry moves the data version that
            # every cache keys on (lanxi.services.read_cache.data_version)
            write_audit(
                s,
                [
                    audit_entry(
                        "system:env-network",
                        "load_network",
                        "water_sections",
                        None,
                        old={k: {"target_class": before[k][0]} for k in changed if k in before},
                        new={"sections": changed, "stations": moved},
                    )
                ],
            )
    return {"water_sections": len(sections), "air_stations": len(station_rows)}


def samples_frame(url: str | None = None) -> pd.DataFrame:
    """Stored water samples, wide, with each section's target class and region.

    Columns ``section``, ``time``, ``waterbody``, ``target_class``, ``city``, ``province`` and one
    per item.

    Raises
    ------
    NotFoundError
        When the store holds no water samples (hint: ``lanxi env demo``).
    """
    # read once per report (lanxi.services.read_cache.read_scope): several services of one
    # bulletin each take the samples
    return scoped(("samples_frame", database_url(url)), lambda: _samples_frame(url), _copy)


def _copy(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.copy()


def _samples_frame(url: str | None) -> pd.DataFrame:
    with session(url) as s:
        rows = s.execute(
            select(
                WaterSampleRow.section_id,
                WaterSampleRow.time,
                WaterSampleRow.item,
                WaterSampleRow.value,
            )
        ).all()
        meta = s.execute(
            select(
                WaterSectionRow.id,
                WaterSectionRow.waterbody,
                WaterSectionRow.target_class,
                WaterSectionRow.city,
                WaterSectionRow.province,
            )
        ).all()
    if not rows:
        raise NotFoundError(
            "the store holds no water samples: load some, or run `lanxi env demo` for synthetic "
            "ones"
        )
    long = pd.DataFrame(rows, columns=["section", "time", "item", "value"])
    wide = long.pivot_table(
        index=["section", "time"], columns="item", values="value", aggfunc="first"
    ).reset_index()
    wide.columns.name = None
    info = pd.DataFrame(meta, columns=["section", "waterbody", "target_class", "city", "province"])
    out = wide.merge(info, on="section", how="left")
    out["time"] = pd.to_datetime(out["time"]).dt.strftime("%Y-%m-%d")
    lead = ["section", "time", "waterbody", "target_class", "city", "province"]
    return out[[*lead, *[c for c in out.columns if c not in lead]]]


def air_frame(
    kind: str = "hourly", url: str | None = None, *, year: int | None = None
) -> pd.DataFrame:
    """Stored air observations of one ``kind``, wide, with the station's ``city``.

    Parameters
    ----------
    kind : {"hourly", "daily"}
    url : str or None
        Database URL; None: the configured store.
    year : int or None
        Only the observations of this calendar year (hours by their start, days by their date).

    Returns
    -------
    pandas.DataFrame
        ``station``, ``city``, ``time`` and one column per pollutant stored, sorted by station and
        time.

    Raises
    ------
    NotFoundError
        When the store holds no such observations (of that year).
    """
    # read once per report (lanxi.services.read_cache.read_scope): the annual evaluation and
    # the AQI level days of the 年度环境空气质量报告 both take the year's observations
    return scoped(
        ("air_frame", database_url(url), kind, year), lambda: _air_frame(kind, url, year), _copy
    )


def _air_frame(kind: str, url: str | None, year: int | None) -> pd.DataFrame:
    t = cast(Table, AirObservationRow.__table__).c
    stmt = select(t.station_id, t.time, t.pollutant, t.value).where(t.kind == kind)
    if year is not None:
        stmt = stmt.where(t.time >= dt.datetime(year, 1, 1), t.time < dt.datetime(year + 1, 1, 1))
    with session(url) as s:
        rows = s.connection().execute(stmt).all()
        cities = {r[0]: r[1] for r in s.execute(select(AirStationRow.id, AirStationRow.city))}
    if not rows:
        what = f"{kind} air observations" + (f" of {year}" if year is not None else "")
        raise NotFoundError(f"the store holds no {what} (try `lanxi env demo`)")
    # from tuples: ten times faster than from the result's Row objects
    long = pd.DataFrame.from_records(
        [tuple(r) for r in rows], columns=["station", "time", "pollutant", "value"]
    )
    # one value per station, time, kind and pollutant (the table's unique constraint)
    wide = long.pivot(index=["station", "time"], columns="pollutant", values="value").reset_index()
    wide.columns.name = None
    wide.insert(1, "city", wide["station"].map(cities))
    return wide


def air_station_days(
    url: str | None = None, *, year: int | None = None, edition: Edition | None = None
) -> pd.DataFrame:
    """The station-days of the stored air observations: the one reading every air figure takes.

    :func:`.assessments.station_days` of the stored hourly and daily observations — a station's
    day from its **hourly** observations when it has any on that day (GB 3095 表4 validity, the
    edition in force on each day), otherwise from its stored **daily** values, never mixed. The
    annual evaluation (:func:`air_annual`) and a city's days, behind the targets and good-days
    views (:func:`.views.city_days`), both read this frame.

    Parameters
    ----------
    url : str or None
        Database URL; None: the configured store.
    year : int or None
        Only the days of this calendar year; None: every stored day.
    edition : {"2012", "2026"} or None
        Whose 表4 rules make the hourly days; None: the edition in force on each day.

    Returns
    -------
    pandas.DataFrame
        As :func:`.assessments.station_days`: ``station``, ``time``, the daily values, ``edition``,
        ``city`` (the station's city as stored).

    Raises
    ------
    NotFoundError
        When the store holds no air observation (of ``year``).
    """
    frames: dict[str, pd.DataFrame] = {}
    for kind in ("hourly", "daily"):
        with contextlib.suppress(NotFoundError):
            frames[kind] = air_frame(kind, url, year=year)
    if not frames:
        of = f" of {year}" if year is not None else ""
        hint = f" --year {year}" if year is not None else ""
        raise NotFoundError(f"the store holds no air observations{of} (try `lanxi env demo{hint}`)")
    if "hourly" in frames:
        return assessments.station_days(
            frames["hourly"], frames.get("daily"), kind="hourly", edition=edition, file="store"
        )
    return assessments.station_days(frames["daily"], kind="daily", edition=edition, file="store")


def air_annual(
    year: int,
    *,
    edition: Edition | None = None,
    method: str = "hj663_2013",
    url: str | None = None,
) -> pd.DataFrame:
    """HJ 663 annual evaluation of ``year`` on the stored hourly and daily observations.

    On the station-days of :func:`air_station_days` (hourly first, a stored daily value only for a
    station-day without hourly data; the same days the targets and good-days views read), by
    :func:`.assessments.air_annual`.

    Parameters
    ----------
    year : int
    edition : {"2012", "2026"} or None
        None: limits of the edition in force on 31 December of ``year``, each day's AQI and
        validity of the edition in force on it.
    method : str
        Annual-evaluation method (:data:`lanxi.compute.air.annual.METHODS`).
    url : str or None
        Database URL; None: the configured store.

    Returns
    -------
    pandas.DataFrame
        As :func:`.assessments.air_annual`, station and city rows.

    Raises
    ------
    NotFoundError
        When the store holds no air observation of ``year``.
    """
    days = air_station_days(url, year=year, edition=edition)
    return assessments.air_annual(days, kind="daily", edition=edition, method=method, file="store")


def section_positions(sections: list[str]) -> dict[str, tuple[float, float]]:
    """Where to draw each section (lon, lat): the one placement rule of every map.

    A section with coordinates is drawn there. The bundled sections mostly have none
    (``water_sections.csv``: the plans name the sections, not their stations), so the others are
    placed on a circle of 0.15° around the representative point of the prefecture in their
    ``region_code`` (at the point itself when the prefecture has one such section), in the order
    given. The reports' maps and the dashboard (``/water/monthly``: ``lon``, ``lat``,
    ``position``) both use this. Sections unknown to the bundled list are left out.
    """
    return {sid: (p[0], p[1]) for sid, p in section_places(sections).items()}


def section_places(sections: list[str]) -> dict[str, tuple[float, float, str]]:
    """Each section's (lon, lat, quality): :func:`section_positions` with how the place is known.

    ``quality`` is ``"sourced"`` (the bundled ``coord_quality``: a monitoring network's point),
    ``"approximate"`` (the bundled point is a county's or a shared boundary's representative point,
    ``coord_quality`` = approximate) or ``"city"`` (no coordinates: placed near the seat of its
    city by the rule of :func:`section_positions`). Maps mark all but ``"sourced"`` as approximate.
    """
    import math

    from lanxi.services.analytics import plan_regions

    regions = plan_regions()
    info = bundled_sections().set_index("id")
    by_city: dict[str, list[str]] = {}
    out: dict[str, tuple[float, float, str]] = {}
    for sid in sections:
        if sid not in info.index:
            continue
        lon, lat = info.at[sid, "lon"], info.at[sid, "lat"]
        if lon and lat:
            quality = "sourced" if info.at[sid, "coord_quality"] == "sourced" else "approximate"
            out[sid] = (float(lon), float(lat), quality)
        else:
            by_city.setdefault(str(info.at[sid, "region_code"]), []).append(sid)
    for code, ids in by_city.items():
        if code not in regions.index or not regions.at[code, "lon"]:
            continue
        x0, y0 = float(regions.at[code, "lon"]), float(regions.at[code, "lat"])
        for k, sid in enumerate(ids):
            a = 2 * math.pi * k / len(ids)
            r = 0.0 if len(ids) == 1 else 0.15
            out[sid] = (x0 + r * math.cos(a), y0 + r * math.sin(a), "city")
    return out


def has_synthetic(
    what: str,
    start: dt.date,
    stop: dt.date,
    *,
    section: str | None = None,
    url: str | None = None,
) -> bool:
    """Whether a stored value of ``what`` (``"water"`` or ``"air"``) in [start, stop) is synthetic.

    ``section`` narrows water samples to one section. Reports use it to mark themselves.
    """
    table = WaterSampleRow if what == "water" else AirObservationRow
    q = (
        select(func.count())
        .select_from(table)
        .where(
            table.synthetic.is_(True),
            table.time >= dt.datetime.combine(start, dt.time()),
            table.time < dt.datetime.combine(stop, dt.time()),
        )
    )
    if section is not None and table is WaterSampleRow:
        q = q.where(WaterSampleRow.section_id == section)
    with session(url) as s:
        return bool(s.scalar(q))


def synthetic_sections(start: dt.date, stop: dt.date, *, url: str | None = None) -> set[str]:
    """The sections with a synthetic water sample in [start, stop) (the dashboard marks them)."""
    q = (
        select(WaterSampleRow.section_id)
        .where(
            WaterSampleRow.synthetic.is_(True),
            WaterSampleRow.time >= dt.datetime.combine(start, dt.time()),
            WaterSampleRow.time < dt.datetime.combine(stop, dt.time()),
        )
        .distinct()
    )
    with session(url) as s:
        return {str(v) for v in s.scalars(q)}


def parties(
    section: str, upstream: str | None, downstream: str | None, url: str | None = None
) -> tuple[str | None, str | None]:
    """Upstream and downstream parties of a stored section (given values win).

    Raises
    ------
    NotFoundError
        For an unknown section.
    """
    with session(url) as s:
        row = s.get(WaterSectionRow, section)
        if row is None:
            raise NotFoundError(f"no water section {section!r}; see water_sections.csv")
        return upstream or row.upstream, downstream or row.downstream


_AIR_STREAM_OFFSET = 1944


def generate_demo(
    *,
    year: int = 2025,
    air_days: int = 31,
    seed: int = 20251,
    url: str | None = None,
    air_daily: bool = True,
) -> dict[str, int]:
    """Write synthetic water samples and air observations for the bundled network.

    Water: one sample a month at every bundled section for ``year - 1`` and ``year`` (items
    :data:`DEMO_WATER_ITEMS`, values drawn around the section's target-class limit). Air, at every
    bundled station: hourly :data:`DEMO_AIR_POLLUTANTS` for ``air_days`` days from 1 January of
    ``year`` and, with ``air_daily``, daily values (:data:`DEMO_AIR_DAILY`) for every day of
    ``year``, with a seasonal shape (particles in winter, O3 in summer; see
    :mod:`.demo`) — enough valid days for HJ 663's annual statistics. The daily
    values of the days with hourly data are computed from those hours. Every row has
    ``synthetic = true`` and batch ``demo-<seed>``; earlier synthetic rows are replaced, measured
    rows are never touched.

    Parameters
    ----------
    year : int
        Water samples for ``year - 1`` and ``year``; air data of ``year``.
    air_days : int
        Days of hourly air data from ``year``-01-01 (≥ 0).
    seed : int
        Random seed (the same seed gives the same data).
    url : str or None
        Database URL; None: the configured store.
    air_daily : bool
        Also daily air values for the whole year (default). False gives the hourly days only.

    Returns
    -------
    dict
        Values written: ``water_samples``, ``air_observations`` (hourly and daily together),
        ``air_hourly``, ``air_daily``.
    """
    if air_days < 0:
        raise ValidationError([Problem("demo", None, "air_days", "must be ≥ 0", air_days)])
    load_network(url)
    batch = f"demo-{seed}"
    # Water has a stream of its own; the air series are drawn from the seed's stream after the
    # 1,944 normal draws the water demo made before the real sections were bundled (9 sections ×
    # 24 months × 9 items).
    water = demo_water(bundled_sections(), year, np.random.default_rng([seed, 1]))
    rng = np.random.default_rng(seed)
    rng.standard_normal(_AIR_STREAM_OFFSET)
    # the stations CNEMC published on 1 January of the demo year (retired codes get no data)
    hourly, daily = demo_air(
        stations.stations_valid_on(f"{year}-01-01"), year, air_days, air_daily, rng
    )
    with session(url) as s:
        _replace_synthetic(s, water, [*hourly, *daily], batch)
        write_audit(
            s,
            [
                audit_entry(
                    "system:env-demo",
                    "env_demo",
                    "environment",
                    batch,
                    new={
                        "year": year,
                        "water_samples": len(water),
                        "air_hourly": len(hourly),
                        "air_daily": len(daily),
                    },
                )
            ],
        )
    # the plan figures these data produce (good-days ratio, 湟水出省断面 Ⅲ类 share) follow them
    from lanxi.services.monitoring.demo import sync_environment_figures

    with session(url) as s:
        sync_environment_figures(s)
    return {
        "water_samples": len(water),
        "air_observations": len(hourly) + len(daily),
        "air_hourly": len(hourly),
        "air_daily": len(daily),
    }


def _replace_synthetic(
    s: Session, water: list[dict[str, Any]], air: list[dict[str, Any]], batch: str
) -> None:
    # Core inserts (the tables, not the mapped classes): the ORM's bulk path costs twice as much
    # per row, and the demo writes some 150,000 rows.
    conn = s.connection()
    water_t = cast(Table, WaterSampleRow.__table__)
    air_t = cast(Table, AirObservationRow.__table__)
    conn.execute(delete(water_t).where(water_t.c.synthetic.is_(True)))
    conn.execute(delete(air_t).where(air_t.c.synthetic.is_(True)))
    flags = {"synthetic": True, "batch_id": batch}
    chunk = 50_000
    for table, rows in ((water_t, water), (air_t, air)):
        for i in range(0, len(rows), chunk):
            conn.execute(insert(table), [{**r, **flags} for r in rows[i : i + chunk]])
