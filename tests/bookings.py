"""Booking the first free time of a demo agency, for the tests that need a booking."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from secu.agenda import service


def book_first_free(
    session: Session,
    conversation: str,
    now: dt.datetime,
    *,
    department: str = "33",
    reason: str = "rights",
    channel: str = "agency",
    phone: str | None = None,
) -> service.BookingInfo:
    agency = service.agency_for_department(session, department)
    chosen = service.reason(session, reason)
    assert agency is not None and chosen is not None
    start = service.free_times(session, agency, channel, chosen, now, limit=1)[0]
    return service.book(
        session,
        conversation_id=conversation,
        agency=agency,
        channel=channel,
        reason=chosen,
        starts_at=start,
        phone_e164=phone,
        now=now,
    )
