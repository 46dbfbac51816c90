"""Water sections: the target class may be unknown (no source states it).

Revision ID: 0007_i15b
Revises: 0006_i14_approval
Create Date: 2026-12-07

Written by hand. The bundled sections are now the real ones named in the cities' bulletins; most
have no target class stated by a public source, so ``water_sections.target_class`` becomes
nullable (the check ``target_class BETWEEN 1 AND 5`` still holds for the values given).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_i15b"
down_revision: str | None = "0006_i14_approval"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("water_sections") as batch:
        batch.alter_column("target_class", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("water_sections") as batch:
        batch.alter_column("target_class", existing_type=sa.Integer(), nullable=False)
