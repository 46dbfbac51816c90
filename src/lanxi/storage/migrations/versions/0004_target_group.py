"""Targets: the region group a statement applies to (兰州经济圈, 兰州—白银都市圈).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Written by hand; ``tests/storage/test_migrations.py`` checks it matches ``lanxi.storage.models``.
SQLite cannot add a foreign key to an existing table, so the column is added in batch mode (the
table is rebuilt there; PostgreSQL alters it in place).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.add_column(sa.Column("group_id", sa.String(64), nullable=True))
        batch.create_index("ix_targets_group_id", ["group_id"])
        batch.create_foreign_key(
            "fk_targets_group_id_region_groups", "region_groups", ["group_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.drop_constraint("fk_targets_group_id_region_groups", type_="foreignkey")
        batch.drop_index("ix_targets_group_id")
        batch.drop_column("group_id")
