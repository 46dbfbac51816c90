"""The environment data in the store: the bundled network, samples and observations, demo data.

* :func:`load_network` upserts the bundled sections (``lanxi/data/environment/water_sections.csv``)
  and stations (``air_stations.csv``);
* :func:`samples_frame` returns the stored water samples as the wide frame the water services take
  (one row per section and time, items as columns, with ``waterbody``, ``target_class``, ``city``,
  ``province``);
* :func:`air_frame` returns stored air observations as a wide frame (``station``, ``time``,
  pollutants, ``city``);
* :func:`generate_demo` writes clearly labelled synthetic data (``synthetic = true``, batch
  ``demo-<seed>``) for every bundled section and station, so each command can be shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from io import StringIO
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lanxi.errors import NotFoundError, Problem, ValidationError
from lanxi.services.store import session
from lanxi.standards.gb3838 import gb3838_table
from lanxi.storage.env_models import (
    AirObservationRow,
    AirStationRow,
    WaterSampleRow,
    WaterSectionRow,
)

#: Items the demo generates (GB 3838 表1 keys).
DEMO_WATER_ITEMS: tuple[str, ...] = ("ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn", "f")
#: Pollutants the demo generates (hourly; CO in mg/m³).
DEMO_AIR_POLLUTANTS: tuple[str, ...] = ("so2", "no2", "co", "o3_1h", "pm10", "pm2_5")


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
    """The bundled CNEMC air stations of the agglomeration (``air_stations.csv``), as text."""
    return _bundled("air_stations.csv")


def load_network(url: str | None = None) -> dict[str, int]:
    """Insert or update the bundled sections and stations; return how many of each."""
    sections = bundled_sections()
    stations = bundled_stations()
    with session(url) as s:
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
                    target_class=int(r["target_class"]),
                    border=r["border"] == "true",
                    upstream=_none(r["upstream"]),
                    downstream=_none(r["downstream"]),
                    synthetic_demo=r["synthetic_demo"] == "true",
                    source=r["source"],
                )
            )
        for r in stations.to_dict("records"):
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
    return {"water_sections": len(sections), "air_stations": len(stations)}


def samples_frame(url: str | None = None) -> pd.DataFrame:
    """Stored water samples, wide, with each section's target class and region.

    Columns ``section``, ``time``, ``waterbody``, ``target_class``, ``city``, ``province`` and one
    per item.

    Raises
    ------
    NotFoundError
        When the store holds no water samples (hint: ``lanxi env demo``).
    """
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


def air_frame(kind: str = "hourly", url: str | None = None) -> pd.DataFrame:
    """Stored air observations of one ``kind``, wide, with the station's ``city``."""
    with session(url) as s:
        rows = s.execute(
            select(
                AirObservationRow.station_id,
                AirObservationRow.time,
                AirObservationRow.pollutant,
                AirObservationRow.value,
            ).where(AirObservationRow.kind == kind)
        ).all()
        cities = {r[0]: r[1] for r in s.execute(select(AirStationRow.id, AirStationRow.city))}
    if not rows:
        raise NotFoundError(f"the store holds no {kind} air observations (try `lanxi env demo`)")
    long = pd.DataFrame(rows, columns=["station", "time", "pollutant", "value"])
    wide = long.pivot_table(
        index=["station", "time"], columns="pollutant", values="value", aggfunc="first"
    ).reset_index()
    wide.columns.name = None
    wide.insert(1, "city", wide["station"].map(cities))
    return wide


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


def _demo_water(
    sections: pd.DataFrame, year: int, rng: np.random.Generator
) -> list[dict[str, Any]]:
    table = gb3838_table()
    idx = {k: i for i, k in enumerate(table.items)}
    rows: list[dict[str, Any]] = []
    times = pd.date_range(f"{year - 1}-01-01", periods=24, freq="MS") + pd.Timedelta(days=14)
    for sec in sections.itertuples():
        target = int(sec.target_class)
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
                        "synthetic": True,
                        "batch_id": "",
                    }
                )
    return rows


def _demo_air(
    stations: Sequence[str], start: str, days: int, rng: np.random.Generator
) -> list[dict[str, Any]]:
    hours = pd.date_range(start, periods=days * 24, freq="h")
    h = hours.hour.to_numpy()
    diurnal = 1 + 0.3 * np.cos((h - 20) / 24 * 2 * np.pi)
    ozone = 1 + 0.6 * np.cos((h - 15) / 24 * 2 * np.pi)
    base = {"so2": 15.0, "no2": 35.0, "co": 0.9, "o3_1h": 70.0, "pm10": 80.0, "pm2_5": 38.0}
    rows: list[dict[str, Any]] = []
    py_hours = [t.to_pydatetime() for t in hours]
    for st in stations:
        level = rng.lognormal(0, 0.25)
        for p in DEMO_AIR_POLLUTANTS:
            shape = ozone if p == "o3_1h" else diurnal
            vals = base[p] * level * shape * rng.lognormal(0, 0.3, size=len(hours))
            digits = 1 if p == "co" else 0
            for t, v in zip(py_hours, vals, strict=True):
                rows.append(
                    {
                        "station_id": st,
                        "time": t,
                        "kind": "hourly",
                        "pollutant": p,
                        "value": round(float(v), digits),
                        "synthetic": True,
                        "batch_id": "",
                    }
                )
    return rows


def generate_demo(
    *, year: int = 2025, air_days: int = 31, seed: int = 20251, url: str | None = None
) -> dict[str, int]:
    """Write synthetic water samples and hourly air data for the bundled network.

    Water: one sample a month at every bundled section for ``year - 1`` and ``year`` (items
    :data:`DEMO_WATER_ITEMS`, values drawn around the section's target-class limit). Air: hourly
    :data:`DEMO_AIR_POLLUTANTS` for ``air_days`` days from 1 January of ``year`` at every bundled
    station. Every row has ``synthetic = true`` and batch ``demo-<seed>``; earlier synthetic rows
    are replaced, measured rows are never touched.

    Returns
    -------
    dict
        Rows written per table.
    """
    if air_days < 0:
        raise ValidationError([Problem("demo", None, "air_days", "must be ≥ 0", air_days)])
    load_network(url)
    rng = np.random.default_rng(seed)
    batch = f"demo-{seed}"
    water = _demo_water(bundled_sections(), year, rng)
    air = _demo_air(list(bundled_stations()["id"]), f"{year}-01-01", air_days, rng)
    for r in (*water, *air):
        r["batch_id"] = batch
    with session(url) as s:
        _replace_synthetic(s, water, air)
    return {"water_samples": len(water), "air_observations": len(air)}


def _replace_synthetic(s: Session, water: list[dict[str, Any]], air: list[dict[str, Any]]) -> None:
    from sqlalchemy import insert

    s.execute(delete(WaterSampleRow).where(WaterSampleRow.synthetic.is_(True)))
    s.execute(delete(AirObservationRow).where(AirObservationRow.synthetic.is_(True)))
    if water:
        s.execute(insert(WaterSampleRow), water)
    chunk = 50_000
    for i in range(0, len(air), chunk):
        s.execute(insert(AirObservationRow), air[i : i + chunk])
