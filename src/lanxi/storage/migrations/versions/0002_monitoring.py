"""Monitoring: observation notes, batch decisions and row counts, one batch per file content.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01

* ``observations.note`` — the submitter's note on a value (the issue's "+ source, note");
* ``submission_batches.row_count``, ``decided_by``, ``decided_at`` — how many rows a batch holds,
  and who approved or returned it, when (the audit log has the same, this is for listing);
* ``submission_batches.sha256`` becomes unique: one batch per file content, which makes
  re-submitting the same file idempotent even when two processes race.

Written by hand; ``tests/storage/test_migrations.py`` checks it matches ``lanxi.storage.models``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("observations", sa.Column("note", sa.Text(), nullable=True))
    op.add_column("submission_batches", sa.Column("row_count", sa.Integer(), nullable=True))
    op.add_column("submission_batches", sa.Column("decided_by", sa.String(64), nullable=True))
    op.add_column(
        "submission_batches",
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.drop_index("ix_submission_batches_sha256", table_name="submission_batches")
    op.create_index("ix_submission_batches_sha256", "submission_batches", ["sha256"], unique=True)


def _drop_column(table: str, column: str) -> None:
    # SQLite >= 3.35 drops a column in place; batch mode would rebuild the table and could lose
    # the partial unique indexes that the reflection does not round-trip.
    op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def downgrade() -> None:
    op.drop_index("ix_submission_batches_sha256", table_name="submission_batches")
    op.create_index("ix_submission_batches_sha256", "submission_batches", ["sha256"])
    for column in ("decided_at", "decided_by", "row_count"):
        _drop_column("submission_batches", column)
    _drop_column("observations", "note")
