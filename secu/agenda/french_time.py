"""Dates and times written the French way: "mardi 8 décembre à 9 h 30" (no locale needed).

The day and month names are data here; the shapes are answers (``booking_date``,
``booking_hour``… in data/knowledge/answers/).

>>> french_datetime(dt.datetime(2027, 1, 1, 14, 0))
'vendredi 1er janvier à 14 h'
>>> short_button(dt.datetime(2026, 12, 8, 9, 30))
'mar. 8 déc. 9 h 30'
"""

from __future__ import annotations

import datetime as dt

from secu.content import render
from secu.text import FRENCH_MONTHS

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = FRENCH_MONTHS
SHORT = 4  # a name this long or shorter is not abbreviated ("mai", "juin", "août")


def french_date(day: dt.date) -> str:
    """ "mardi 8 décembre", "vendredi 1er janvier"."""
    number = render("booking_first_of_month") if day.day == 1 else str(day.day)
    return render(
        "booking_date", weekday=DAYS[day.weekday()], day=number, month=MONTHS[day.month - 1]
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
    return render(
        "booking_short_date_time",
        weekday=abbreviated(DAYS[moment.weekday()]),
        day=moment.day,
        month=abbreviated(MONTHS[moment.month - 1]),
        time=french_time(moment),
    )
