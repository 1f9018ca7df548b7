"""The pages' templates (``review/templates``, Jinja2): every value is escaped
(autoescape), an undefined name is an error, figures and dates are written the French way.

>>> french_number(12345), french_percent(0.1234), french_day("2026-11-27")
('12\\u202f345', '12,3\\xa0%', '27/11/2026')
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).resolve().parent / "templates"
THIN_SPACE = "\u202f"  # between thousands, as French typography has it
NO_BREAK = "\u00a0"  # before "%"


def french_number(value: float | int, digits: int = 0) -> str:
    written = f"{value:,.{digits}f}".replace(",", THIN_SPACE)
    return written.replace(".", ",")


def french_percent(share: float) -> str:
    return f"{french_number(share * 100, 1)}{NO_BREAK}%"


def french_day(day: str) -> str:
    """``YYYY-MM-DD`` as ``DD/MM/YYYY``."""
    return dt.date.fromisoformat(day).strftime("%d/%m/%Y")


def french_time(moment: dt.datetime | None) -> str:
    return moment.strftime("%d/%m/%Y à %H:%M:%S") if moment is not None else ""


def local_time(timestamp: float, zone: dt.tzinfo) -> str:
    return french_time(dt.datetime.fromtimestamp(timestamp, zone))


@lru_cache(maxsize=1)
def templates() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        number=french_number,
        percent=french_percent,
        day=french_day,
        moment=french_time,
        local_time=local_time,
    )
    return environment
