"""Four-eyes approval and credentials: a batch's comment, an API token's last use.

Revision ID: 0006_i14_approval
Revises: 0005
Create Date: 2026-12-07

Written by hand; ``tests/storage/test_migrations.py`` checks it matches ``lanxi.storage.models``.
``api_tokens`` already had ``name`` and ``expires_at`` (0005); this adds ``last_used_at``.
``submission_batches.comment`` is the submitter's note to the approver.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_i14_approval"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("submission_batches") as batch:
        batch.add_column(sa.Column("comment", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submission_batches") as batch:
        batch.drop_column("comment")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("last_used_at")
