"""The agenda's operations: free times, booking, listing, cancelling (no Rasa import).

Every function takes a SQLAlchemy session and returns plain data. Times of
appointments are local to the agency (naive datetimes in its time zone); ``now`` is
always an aware UTC datetime given by the caller, so tests can pin it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from secu.agenda import slots
from secu.agenda.models import (
    BOOKED,
    CANCELLED,
    Agency,
    BookedCell,
    Booking,
    OpeningHours,
    Reason,
)
from secu.agenda.phone import phone_from_e164
from secu.agenda.references import new_reference
from secu.language import ENGLISH, speaking_language

# Departments with public holidays of their own (holidays' subdivisions of France).
HOLIDAY_SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}


MAX_ACTIVE_BOOKINGS = 3
"""A conversation holds at most this many bookings to come: the conversation id is the
only key, and nobody should fill an agenda from one chat."""


class SlotTaken(Exception):
    """The time was booked by someone else, or is no longer open."""


class TooManyBookings(Exception):
    """The conversation already holds ``MAX_ACTIVE_BOOKINGS`` bookings to come."""


@dataclass(frozen=True)
class AgencyInfo:
    key: str
    department_code: str
    name: str
    city: str
    timezone: str
    is_demo: bool


@dataclass(frozen=True)
class ReasonInfo:
    key: str
    label: str
    minutes: int
    documents: tuple[str, ...]


@dataclass(frozen=True)
class BookingInfo:
    reference: str
    agency: AgencyInfo
    channel: str
    reason: ReasonInfo
    starts_at: dt.datetime
    minutes: int
    phone_masked: str | None  # "06 •• •• •• 78": never shown in full once typed
    status: str


def _agency(row: Agency) -> AgencyInfo:
    return AgencyInfo(
        row.key, row.department_code, row.name, row.city, row.timezone, bool(row.is_demo)
    )


def _reason(row: Reason) -> ReasonInfo:
    """The reason in the language spoken: its English label and documents when the agenda
    has them, its French ones otherwise."""
    english = speaking_language() == ENGLISH
    label = (row.label_en if english else None) or row.label
    lines = (row.documents_en if english else None) or row.documents
    documents = tuple(line for line in lines.splitlines() if line.strip())
    return ReasonInfo(row.key, label, row.minutes, documents)


def reasons(session: Session) -> list[ReasonInfo]:
    return [_reason(r) for r in session.scalars(select(Reason).order_by(Reason.position))]


def reason(session: Session, key: str) -> ReasonInfo | None:
    row = session.get(Reason, key)
    return _reason(row) if row is not None else None


def agency_for_department(session: Session, code: str) -> AgencyInfo | None:
    row = session.scalars(
        select(Agency).where(Agency.department_code == code).order_by(Agency.key).limit(1)
    ).first()
    return _agency(row) if row is not None else None


def agency(session: Session, key: str) -> AgencyInfo | None:
    row = session.get(Agency, key)
    return _agency(row) if row is not None else None


@lru_cache(maxsize=32)
def _holidays(subdivision: str | None, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.France(years=year, subdiv=subdivision).keys())


def is_public_holiday(department_code: str, day: dt.date) -> bool:
    return day in _holidays(HOLIDAY_SUBDIVISIONS.get(department_code), day.year)


def local_now(agency: AgencyInfo, now: dt.datetime) -> dt.datetime:
    return now.astimezone(ZoneInfo(agency.timezone)).replace(tzinfo=None)


def _openings(session: Session, agency_key: str) -> list[slots.Opening]:
    rows = session.scalars(select(OpeningHours).where(OpeningHours.agency_key == agency_key))
    return [slots.Opening(r.weekday, r.opens, r.closes) for r in rows]


def _taken(session: Session, agency_key: str, channel: str, since: dt.datetime) -> set[dt.datetime]:
    query = select(BookedCell.starts_at).where(
        BookedCell.agency_key == agency_key,
        BookedCell.channel == channel,
        BookedCell.starts_at >= since,
    )
    return set(session.scalars(query))


def free_times(
    session: Session,
    agency: AgencyInfo,
    channel: str,
    reason: ReasonInfo,
    now: dt.datetime,
    *,
    after: dt.datetime | None = None,
    limit: int = 5,
) -> list[dt.datetime]:
    """The next free starts for this agency, channel and reason (local times)."""
    here = local_now(agency, now)
    return slots.free_starts(
        _openings(session, agency.key),
        minutes=reason.minutes,
        now=here,
        taken=_taken(session, agency.key, channel, here),
        is_holiday=lambda day: is_public_holiday(agency.department_code, day),
        after=after,
        limit=limit,
    )


def active_bookings(session: Session, conversation_id: str, now: dt.datetime) -> list[BookingInfo]:
    """This conversation's booked appointments still to come (in each agency's time)."""
    return [
        booking
        for booking in bookings_of(session, conversation_id)
        if booking.starts_at > local_now(booking.agency, now)
    ]


def book(
    session: Session,
    *,
    conversation_id: str,
    agency: AgencyInfo,
    channel: str,
    reason: ReasonInfo,
    starts_at: dt.datetime,
    phone_e164: str | None,
    now: dt.datetime,
) -> BookingInfo:
    """Books the time, or raises :class:`SlotTaken` or :class:`TooManyBookings`.

    The database decides between two conversations booking the same time: the cells'
    primary key lets one insert win. Booking is idempotent: the same conversation asking
    again for the same agency, channel, reason and time (a "oui" repeated after a reply
    that timed out while the first one was committed) gets the booking it already has,
    with its reference, not a second one nor "time taken".
    """
    same = session.scalars(
        select(Booking).where(
            Booking.conversation_id == conversation_id,
            Booking.status == BOOKED,
            Booking.agency_key == agency.key,
            Booking.channel == channel,
            Booking.reason_key == reason.key,
            Booking.starts_at == starts_at,
        )
    ).first()
    if same is not None:
        return _booking_info(same, agency, reason)
    if len(active_bookings(session, conversation_id, now)) >= MAX_ACTIVE_BOOKINGS:
        raise TooManyBookings(conversation_id)
    here = local_now(agency, now)
    openings = _openings(session, agency.key)
    if starts_at <= here or not slots.is_open(
        starts_at,
        openings,
        reason.minutes,
        lambda day: is_public_holiday(agency.department_code, day),
    ):
        raise SlotTaken(starts_at)
    created = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    for _attempt in range(5):
        reference = new_reference()
        if session.scalars(select(Booking.id).where(Booking.reference == reference)).first():
            continue
        booking = Booking(
            reference=reference,
            conversation_id=conversation_id,
            agency_key=agency.key,
            channel=channel,
            reason_key=reason.key,
            starts_at=starts_at,
            minutes=reason.minutes,
            phone=phone_e164,
            status=BOOKED,
            created_at=created,
        )
        try:
            with session.begin_nested():
                session.add(booking)
                session.flush()
                session.add_all(
                    BookedCell(
                        agency_key=agency.key,
                        channel=channel,
                        starts_at=cell,
                        booking_id=booking.id,
                    )
                    for cell in slots.cells(starts_at, reason.minutes)
                )
                session.flush()
        except IntegrityError as error:
            raise SlotTaken(starts_at) from error
        return _booking_info(booking, agency, reason)
    raise RuntimeError("could not draw a free booking reference")  # pragma: no cover


def _booking_info(row: Booking, agency: AgencyInfo, reason: ReasonInfo) -> BookingInfo:
    phone = phone_from_e164(row.phone) if row.phone else None
    return BookingInfo(
        reference=row.reference,
        agency=agency,
        channel=row.channel,
        reason=reason,
        starts_at=row.starts_at,
        minutes=row.minutes,
        phone_masked=phone.masked if phone else None,
        status=row.status,
    )


def _info(session: Session, row: Booking) -> BookingInfo:
    found_agency = session.get(Agency, row.agency_key)
    found_reason = session.get(Reason, row.reason_key)
    assert found_agency is not None and found_reason is not None
    return _booking_info(row, _agency(found_agency), _reason(found_reason))


def bookings_of(session: Session, conversation_id: str) -> list[BookingInfo]:
    """This conversation's booked (not cancelled) appointments, soonest first."""
    rows = session.scalars(
        select(Booking)
        .where(Booking.conversation_id == conversation_id, Booking.status == BOOKED)
        .order_by(Booking.starts_at)
    )
    return [_info(session, row) for row in rows]


def find_booking(session: Session, conversation_id: str, reference: str) -> BookingInfo | None:
    row = session.scalars(
        select(Booking).where(
            Booking.reference == reference, Booking.conversation_id == conversation_id
        )
    ).first()
    return _info(session, row) if row is not None else None


def cancel(
    session: Session, conversation_id: str, reference: str, now: dt.datetime
) -> BookingInfo | None:
    """Cancels this conversation's booking and frees its time; None when there is no
    such booked appointment."""
    row = session.scalars(
        select(Booking).where(
            Booking.reference == reference,
            Booking.conversation_id == conversation_id,
            Booking.status == BOOKED,
        )
    ).first()
    if row is None:
        return None
    row.status = CANCELLED
    row.cancelled_at = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    for cell in session.scalars(select(BookedCell).where(BookedCell.booking_id == row.id)):
        session.delete(cell)
    session.flush()
    return _info(session, row)


def _delete_bookings(session: Session, condition: Any) -> int:
    ids = list(session.scalars(select(Booking.id).where(condition)))
    if not ids:
        return 0
    session.execute(delete(BookedCell).where(BookedCell.booking_id.in_(ids)))
    session.execute(delete(Booking).where(Booking.id.in_(ids)))
    return len(ids)


def erase_conversation(session: Session, conversation_id: str) -> int:
    """Deletes every booking of a conversation, with its phone number, and frees their
    times (``make erase``); returns how many were deleted."""
    return _delete_bookings(session, Booking.conversation_id == conversation_id)


def purge_bookings(session: Session, days: int, now: dt.datetime) -> int:
    """Deletes the bookings whose appointment time, or cancellation, is more than ``days``
    days old (``make purge``); returns how many were deleted."""
    cutoff = now.astimezone(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(days=days)
    return _delete_bookings(
        session,
        or_(
            Booking.starts_at < cutoff,
            and_(Booking.cancelled_at.is_not(None), Booking.cancelled_at < cutoff),
        ),
    )
