"""Environment: water sections and samples, air stations and observations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Written by hand; ``tests/storage/test_migrations.py`` checks it matches ``lanxi.storage.models``
(the environment models live in ``lanxi.storage.env_models``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, ref_table: str, ref_column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{ref_table}.{ref_column}"], name=f"fk_{table}_{column}_{ref_table}"
    )


def upgrade() -> None:
    op.create_table(
        "water_sections",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("river", sa.String(100), nullable=False),
        sa.Column("waterbody", sa.String(8), nullable=False),
        sa.Column("region_code", sa.String(8), nullable=True),
        sa.Column("city", sa.String(100), nullable=True),
        sa.Column("province", sa.String(16), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("target_class", sa.Integer(), nullable=False),
        sa.Column("border", sa.Boolean(), nullable=False),
        sa.Column("upstream", sa.String(100), nullable=True),
        sa.Column("downstream", sa.String(100), nullable=True),
        sa.Column("synthetic_demo", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_water_sections"),
        sa.CheckConstraint("target_class BETWEEN 1 AND 5", name="ck_water_sections_target_class"),
        sa.CheckConstraint("waterbody IN ('river', 'lake')", name="ck_water_sections_waterbody"),
    )
    op.create_table(
        "water_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(32), nullable=False),
        sa.Column("time", sa.DateTime(), nullable=False),
        sa.Column("item", sa.String(32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_water_samples"),
        sa.UniqueConstraint(
            "section_id", "time", "item", name="uq_water_samples_section_id_time_item"
        ),
        sa.CheckConstraint("value >= 0", name="ck_water_samples_value_nonnegative"),
        _fk("water_samples", "section_id", "water_sections", "id"),
    )
    op.create_index("ix_water_samples_section_id", "water_samples", ["section_id"])
    op.create_index("ix_water_samples_batch_id", "water_samples", ["batch_id"])

    op.create_table(
        "air_stations",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("region_code", sa.String(8), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_air_stations"),
    )
    op.create_table(
        "air_observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(16), nullable=False),
        sa.Column("time", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("pollutant", sa.String(16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_air_observations"),
        sa.UniqueConstraint(
            "station_id",
            "time",
            "kind",
            "pollutant",
            name="uq_air_observations_station_id_time_kind_pollutant",
        ),
        sa.CheckConstraint("kind IN ('hourly', 'daily')", name="ck_air_observations_kind"),
        sa.CheckConstraint("value >= 0", name="ck_air_observations_value_nonnegative"),
        _fk("air_observations", "station_id", "air_stations", "id"),
    )
    op.create_index("ix_air_observations_station_id", "air_observations", ["station_id"])
    op.create_index("ix_air_observations_batch_id", "air_observations", ["batch_id"])


def downgrade() -> None:
    op.drop_table("air_observations")
    op.drop_table("air_stations")
    op.drop_table("water_samples")
    op.drop_table("water_sections")
