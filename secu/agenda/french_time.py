"""Dates and times written the French way: "mardi 8 décembre à 9 h 30" (no locale needed)."""

from __future__ import annotations

import datetime as dt

from secu.text import FRENCH_MONTHS

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = FRENCH_MONTHS


def french_date(day: dt.date) -> str:
    """ "mardi 8 décembre", "vendredi 1er janvier"."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{DAYS[day.weekday()]} {number} {MONTHS[day.month - 1]}"


def french_time(moment: dt.time | dt.datetime) -> str:
    """ "9 h 30", "14 h"."""
    return f"{moment.hour} h {moment.minute:02d}" if moment.minute else f"{moment.hour} h"


def french_datetime(moment: dt.datetime) -> str:
    return f"{french_date(moment.date())} à {french_time(moment)}"


def short_button(moment: dt.datetime) -> str:
    """ "mar. 8 déc. 9 h 30": short enough for a button on a phone."""
    day = DAYS[moment.weekday()][:3]
    month = MONTHS[moment.month - 1]
    month = month if len(month) <= 4 else month[:3] + "."
    return f"{day}. {moment.day} {month} {french_time(moment)}"
