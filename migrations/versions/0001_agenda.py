"""The agenda: agencies, opening hours, reasons, bookings and their booked cells.

Revision ID: 0001_agenda
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_agenda"
down_revision = None
branch_labels = None
depends_on = None

KEY = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "ag_agency",
        sa.Column("key", KEY, primary_key=True),
        sa.Column("department_code", sa.String(3), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("city", sa.Text, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("is_demo", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_ag_agency"),
    )
    op.create_index("ix_ag_agency_department_code", "ag_agency", ["department_code"])
    op.create_table(
        "ag_opening_hours",
        sa.Column("agency_key", KEY, nullable=False),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("opens", sa.Time, nullable=False),
        sa.Column("closes", sa.Time, nullable=False),
        sa.PrimaryKeyConstraint("agency_key", "weekday", "opens", name="pk_ag_opening_hours"),
        sa.ForeignKeyConstraint(
            ["agency_key"], ["ag_agency.key"], name="fk_ag_opening_hours_agency_key"
        ),
    )
    op.create_table(
        "ag_reason",
        sa.Column("key", KEY, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("documents", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_ag_reason"),
    )
    op.create_table(
        "ag_booking",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("agency_key", KEY, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("reason_key", KEY, nullable=False),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("cancelled_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ag_booking"),
        sa.UniqueConstraint("reference", name="uq_ag_booking_reference"),
        sa.ForeignKeyConstraint(["agency_key"], ["ag_agency.key"], name="fk_ag_booking_agency_key"),
        sa.ForeignKeyConstraint(["reason_key"], ["ag_reason.key"], name="fk_ag_booking_reason_key"),
    )
    op.create_index("ix_ag_booking_conversation_id", "ag_booking", ["conversation_id"])
    op.create_table(
        "ag_booked_cell",
        sa.Column("agency_key", KEY, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("booking_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("agency_key", "channel", "starts_at", name="pk_ag_booked_cell"),
        sa.ForeignKeyConstraint(
            ["agency_key"], ["ag_agency.key"], name="fk_ag_booked_cell_agency_key"
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["ag_booking.id"], name="fk_ag_booked_cell_booking_id"
        ),
    )
    op.create_index("ix_ag_booked_cell_booking_id", "ag_booked_cell", ["booking_id"])


def downgrade() -> None:
    op.drop_table("ag_booked_cell")
    op.drop_table("ag_booking")
    op.drop_table("ag_reason")
    op.drop_table("ag_opening_hours")
    op.drop_index("ix_ag_agency_department_code", "ag_agency")
    op.drop_table("ag_agency")
