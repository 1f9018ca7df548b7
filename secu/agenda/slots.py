"""Free appointment times computed from opening hours (pure: no database, no Rasa).

Time is cut into cells of ``CELL`` minutes; an appointment starts on the ``START_STEP``
grid and takes the cells its duration covers. A time is free when the agency is open
for the whole duration, the day is not a public holiday, and none of its cells is taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass

CELL = dt.timedelta(minutes=15)
START_STEP = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Opening:
    weekday: int  # 0 = Monday
    opens: dt.time
    closes: dt.time


def cells(start: dt.datetime, minutes: int) -> list[dt.datetime]:
    """The cells an appointment of ``minutes`` starting at ``start`` takes."""
    count = max(1, -(-minutes // int(CELL.total_seconds() // 60)))
    return [start + i * CELL for i in range(count)]


def starts_on(day: dt.date, openings: Sequence[Opening], minutes: int) -> Iterator[dt.datetime]:
    """Every start on ``day`` at which an appointment of ``minutes`` ends before closing."""
    length = dt.timedelta(minutes=minutes)
    for opening in sorted(openings, key=lambda o: o.opens):
        if opening.weekday != day.weekday():
            continue
        start = dt.datetime.combine(day, opening.opens)
        closes = dt.datetime.combine(day, opening.closes)
        while start + length <= closes:
            yield start
            start += START_STEP


def free_starts(
    openings: Sequence[Opening],
    *,
    minutes: int,
    now: dt.datetime,
    taken: Collection[dt.datetime],
    is_holiday: Callable[[dt.date], bool],
    after: dt.datetime | None = None,
    limit: int = 5,
    days: int = 28,
) -> list[dt.datetime]:
    """The next ``limit`` free starts, from the day after ``now`` (local, naive) for
    ``days`` days, later than ``after`` when given."""
    found: list[dt.datetime] = []
    first_day = now.date() + dt.timedelta(days=1)
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        if is_holiday(day):
            continue
        for start in starts_on(day, openings, minutes):
            if after is not None and start <= after:
                continue
            if any(cell in taken for cell in cells(start, minutes)):
                continue
            found.append(start)
            if len(found) >= limit:
                return found
    return found


def is_open(
    start: dt.datetime,
    openings: Sequence[Opening],
    minutes: int,
    is_holiday: Callable[[dt.date], bool],
) -> bool:
    """Whether an appointment can start at ``start`` (a time chosen from an old list)."""
    return not is_holiday(start.date()) and start in set(starts_on(start.date(), openings, minutes))
