"""The reasons' English label and documents (issue #15).

Revision ID: 0002_reason_english
Revises: 0001_agenda
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_reason_english"
down_revision = "0001_agenda"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ag_reason") as table:  # SQLite alters by copying the table
        table.add_column(sa.Column("label_en", sa.Text, nullable=True))
        table.add_column(sa.Column("documents_en", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ag_reason") as table:
        table.drop_column("documents_en")
        table.drop_column("label_en")
