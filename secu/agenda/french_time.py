"""Dates and times written the French way, "mardi 8 décembre à 9 h 30", or the English
way in an English conversation, "Tuesday 8 December at 9:30" (no locale needed).

The day and month names are data here, per language; the shapes are answers
(``booking_date``, ``booking_hour``… in data/knowledge/answers/, with their ``text_en``).

>>> french_datetime(dt.datetime(2027, 1, 1, 14, 0))
'vendredi 1er janvier à 14 h'
>>> short_button(dt.datetime(2026, 12, 8, 9, 30))
'mar. 8 déc. 9 h 30'
>>> from secu.language import speaking
>>> with speaking("en"):
...     french_datetime(dt.datetime(2027, 1, 1, 14, 0))
...     short_button(dt.datetime(2026, 12, 8, 9, 30))
'Friday 1 January at 14:00'
'Tue. 8 Dec. 9:30'
"""

from __future__ import annotations

import datetime as dt

from secu.content import render
from secu.language import ENGLISH, FRENCH, speaking_language
from secu.text import ENGLISH_MONTHS, FRENCH_MONTHS

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = FRENCH_MONTHS
ENGLISH_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NAMES = {FRENCH: (DAYS, MONTHS), ENGLISH: (ENGLISH_DAYS, ENGLISH_MONTHS)}
SHORT = 4  # a name this long or shorter is not abbreviated ("mai", "juin", "août")


def _names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The day and month names of the language being spoken."""
    return NAMES.get(speaking_language(), NAMES[FRENCH])


def french_date(day: dt.date) -> str:
    """ "mardi 8 décembre", "vendredi 1er janvier"."""
    days, months = _names()
    number = render("booking_first_of_month") if day.day == 1 else str(day.day)
    return render(
        "booking_date", weekday=days[day.weekday()], day=number, month=months[day.month - 1]
    )


def french_time(moment: dt.time | dt.datetime) -> str:
    """ "9 h 30", "14 h"."""
    if moment.minute:
        return render("booking_hour_minutes", hour=moment.hour, minutes=f"{moment.minute:02d}")
    return render("booking_hour", hour=moment.hour)


def french_datetime(moment: dt.datetime) -> str:
    return render("booking_date_time", date=french_date(moment.date()), time=french_time(moment))


def abbreviated(name: str) -> str:
    """ "mar.", "déc.", "mai": the first three letters and a dot, unless already short."""
    return name if len(name) <= SHORT else name[:3] + "."


def short_button(moment: dt.datetime) -> str:
    """ "mar. 8 déc. 9 h 30": short enough for a button on a phone."""
    days, months = _names()
    return render(
        "booking_short_date_time",
        weekday=abbreviated(days[moment.weekday()]),
        day=moment.day,
        month=abbreviated(months[moment.month - 1]),
        time=french_time(moment),
    )
