"""Environment tables: monitoring sections and stations, water samples, air observations.

* ``water_sections`` / ``air_stations`` — the bundled monitoring network
  (``lanxi/data/environment/*.csv``, loaded by
  :func:`lanxi.services.environment.store.load_network`);
* ``water_samples`` — one value of one item at one section and time (long format);
* ``air_observations`` — one concentration of one pollutant at one station and time, hourly or
  daily (long format).

Both value tables carry ``synthetic`` (demo data is always flagged) and ``batch_id`` (the load that
wrote them). Created by migration ``0003_environment``; imported at the end of
:mod:`lanxi.storage.models` so ``Base.metadata`` holds them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lanxi.storage.models import Base


class WaterSectionRow(Base):
    """A surface-water monitoring section (断面) with its target class."""

    __tablename__ = "water_sections"
    __table_args__ = (
        CheckConstraint("target_class BETWEEN 1 AND 5", name="target_class"),
        CheckConstraint("waterbody IN ('river', 'lake')", name="waterbody"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    river: Mapped[str] = mapped_column(String(100))
    waterbody: Mapped[str] = mapped_column(String(8))
    region_code: Mapped[str | None] = mapped_column(String(8))
    city: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(16))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    target_class: Mapped[int | None] = mapped_column(Integer)  # None: no source states it
    border: Mapped[bool] = mapped_column(Boolean, default=False)
    upstream: Mapped[str | None] = mapped_column(String(100))
    downstream: Mapped[str | None] = mapped_column(String(100))
    synthetic_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(Text)


class WaterSampleRow(Base):
    """One measured value of one GB 3838 item at a section."""

    __tablename__ = "water_samples"
    __table_args__ = (
        UniqueConstraint("section_id", "time", "item"),
        CheckConstraint("value >= 0", name="value_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section_id: Mapped[str] = mapped_column(ForeignKey("water_sections.id"), index=True)
    time: Mapped[dt.datetime] = mapped_column(DateTime)
    item: Mapped[str] = mapped_column(String(32))
    value: Mapped[float] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[str | None] = mapped_column(String(64), index=True)


class AirStationRow(Base):
    """An ambient-air monitoring station (CNEMC station code)."""

    __tablename__ = "air_stations"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str | None] = mapped_column(String(8))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)


class AirObservationRow(Base):
    """One concentration (µg/m³; CO mg/m³) of one pollutant at a station, hourly or daily."""

    __tablename__ = "air_observations"
    __table_args__ = (
        UniqueConstraint("station_id", "time", "kind", "pollutant"),
        CheckConstraint("kind IN ('hourly', 'daily')", name="kind"),
        CheckConstraint("value >= 0", name="value_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("air_stations.id"), index=True)
    time: Mapped[dt.datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(8))
    pollutant: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[str | None] = mapped_column(String(64), index=True)
