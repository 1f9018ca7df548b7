"""Tables of the agenda: agencies, opening hours, reasons, bookings (SQLAlchemy 1.4).

Unlike the knowledge base, bookings are user data: the schema is changed by Alembic
migrations (``migrations/``), never rebuilt. Every table name starts with ``ag_``.

No double booking is enforced by the database: a booking takes one row of
``ag_booked_cell`` per quarter of an hour it covers, and ``(agency, channel, starts_at)``
is that table's primary key. Two conversations inserting the same cell at the same
moment: one transaction commits, the other gets an integrity error.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import declarative_base

from secu.knowledge.models import KEY, NAMING_CONVENTION

AgendaBase = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))

BOOKED = "booked"
CANCELLED = "cancelled"
PHONE = "phone"
AGENCY = "agency"
VERSION_TABLE = "ag_alembic_version"  # Alembic's record of the applied migrations


class Agency(AgendaBase):
    __tablename__ = "ag_agency"

    key = Column(KEY, primary_key=True)
    department_code = Column(String(3), nullable=False, index=True)
    name = Column(Text, nullable=False)
    city = Column(Text, nullable=False)
    timezone = Column(String(64), nullable=False)
    is_demo = Column(Boolean, nullable=False)


class OpeningHours(AgendaBase):
    __tablename__ = "ag_opening_hours"

    agency_key = Column(KEY, ForeignKey("ag_agency.key"), primary_key=True)
    weekday = Column(Integer, primary_key=True)
    opens = Column(Time, primary_key=True)
    closes = Column(Time, nullable=False)


class Reason(AgendaBase):
    __tablename__ = "ag_reason"

    key = Column(KEY, primary_key=True)
    position = Column(Integer, nullable=False)
    label = Column(Text, nullable=False)
    minutes = Column(Integer, nullable=False)
    documents = Column(Text, nullable=False)  # one per line
    label_en = Column(Text, nullable=True)  # English (issue #15); French when missing
    documents_en = Column(Text, nullable=True)


class Booking(AgendaBase):
    __tablename__ = "ag_booking"

    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(String(16), nullable=False, unique=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    agency_key = Column(KEY, ForeignKey("ag_agency.key"), nullable=False)
    channel = Column(String(16), nullable=False)
    reason_key = Column(KEY, ForeignKey("ag_reason.key"), nullable=False)
    starts_at = Column(DateTime, nullable=False)  # local time of the agency, naive
    minutes = Column(Integer, nullable=False)
    phone = Column(String(32), nullable=True)  # E.164, call-backs only
    status = Column(String(16), nullable=False, default=BOOKED)
    created_at = Column(DateTime, nullable=False)  # UTC, naive
    cancelled_at = Column(DateTime, nullable=True)  # UTC, naive


class BookedCell(AgendaBase):
    __tablename__ = "ag_booked_cell"

    agency_key = Column(KEY, ForeignKey("ag_agency.key"), primary_key=True)
    channel = Column(String(16), primary_key=True)
    starts_at = Column(DateTime, primary_key=True)
    booking_id = Column(Integer, ForeignKey("ag_booking.id"), nullable=False, index=True)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """For Alembic: only the agenda's ``ag_`` tables are its business."""
    return type_ != "table" or bool(name and name.startswith("ag_") and name != VERSION_TABLE)
