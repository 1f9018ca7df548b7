"""Brings the agenda's tables up to date (Alembic) and fills them from data/agenda.

``python -m secu.agenda.setup`` (run by ``make db`` after the knowledge base):
migrates the schema to the latest revision, then inserts or updates the agencies,
their opening hours and the reasons. Bookings are never touched.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from secu.agenda.models import Agency, OpeningHours, Reason
from secu.geo.geography import Geography, get_geography
from secu.knowledge import queries
from secu.knowledge.db import SQLITE_BEGIN_OPTION, get_engine
from secu.settings import PROJECT_ROOT, get_settings
from secu.text import ContentError, read_yaml

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_TIMEZONE = "Europe/Paris"


class AgendaError(ValueError):
    """data/agenda/agenda.yml is not valid."""


@dataclass(frozen=True)
class AgendaData:
    demo: bool
    reasons: list[dict[str, Any]]
    hours: dict[str, list[str]]
    timezones: dict[str, str]
    overrides: dict[str, dict[str, Any]]


def read_agenda(path: Path) -> AgendaData:
    try:
        raw = read_yaml(path)
    except ContentError as error:
        raise AgendaError(str(error)) from error
    data = AgendaData(
        demo=bool(raw.get("demo", False)),
        reasons=list(raw.get("reasons") or []),
        hours=dict(raw.get("hours") or {}),
        timezones={str(k): str(v) for k, v in (raw.get("timezones") or {}).items()},
        overrides={str(k): dict(v) for k, v in (raw.get("overrides") or {}).items()},
    )
    if not data.reasons:
        raise AgendaError(f"{path}: no reasons")
    for reason in data.reasons:
        if not {"key", "label", "minutes", "documents"} <= set(reason):
            raise AgendaError(f"{path}: a reason needs key, label, minutes and documents")
        english = reason.get("documents_en")
        if english is not None and len(english) != len(reason["documents"]):
            raise AgendaError(f"{path}: {reason['key']}: one documents_en per document")
        if int(reason["minutes"]) <= 0 or int(reason["minutes"]) % 15:
            raise AgendaError(f"{path}: {reason['key']}: minutes must be a multiple of 15")
    parse_hours(data.hours)
    for override in data.overrides.values():
        parse_hours(override.get("hours") or {})
    return data


def parse_hours(hours: dict[str, list[str]]) -> list[tuple[int, dt.time, dt.time]]:
    """[(weekday, opens, closes)] from {"monday": ["08:30-12:00", …]}."""
    found = []
    for day, ranges in hours.items():
        if day not in WEEKDAYS:
            raise AgendaError(f"unknown weekday {day!r}")
        for text in ranges:
            try:
                opens, closes = (dt.time.fromisoformat(part) for part in text.split("-"))
            except ValueError as error:
                raise AgendaError(f"{day}: {text!r} is not HH:MM-HH:MM") from error
            if opens >= closes:
                raise AgendaError(f"{day}: {text!r} closes before it opens")
            found.append((WEEKDAYS.index(day), opens, closes))
    return found


def migrate(engine: Engine) -> None:
    """Alembic ``upgrade head`` on ``engine``, in one transaction."""
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def sync(session: Session, data: AgendaData, geography: Geography) -> int:
    """Inserts or updates the agencies, hours and reasons; returns the agency count."""
    for position, entry in enumerate(data.reasons):
        session.merge(
            Reason(
                key=entry["key"],
                position=position,
                label=entry["label"],
                minutes=int(entry["minutes"]),
                documents="\n".join(entry["documents"]),
                label_en=entry.get("label_en"),
                documents_en="\n".join(entry["documents_en"]) if "documents_en" in entry else None,
            )
        )
    session.execute(delete(OpeningHours))
    count = 0
    for department in geography.departments:
        contact = queries.contact_for_department(session, department.code)
        if contact is None:
            continue
        key = f"accueil_{department.code.lower()}"
        session.merge(
            Agency(
                key=key,
                department_code=department.code,
                name=f"Accueil de la {contact.organism.name}",
                city=department.capital_name,
                timezone=data.timezones.get(department.code, DEFAULT_TIMEZONE),
                is_demo=data.demo,
            )
        )
        override = data.overrides.get(department.code, {})
        for weekday, opens, closes in parse_hours(override.get("hours") or data.hours):
            session.add(OpeningHours(agency_key=key, weekday=weekday, opens=opens, closes=closes))
        count += 1
    session.flush()
    return count


def setup(engine: Engine, agenda_file: Path) -> int:
    data = read_agenda(agenda_file)
    migrate(engine)
    locked = engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    with Session(bind=locked, future=True) as session, session.begin():
        return sync(session, data, get_geography())


def main() -> int:
    started = time.perf_counter()
    engine = get_engine()
    where = engine.url.render_as_string(hide_password=True)
    try:
        count = setup(engine, get_settings().agenda_file)
    except AgendaError as error:
        print(f"agenda not set up ({where}): {error}", file=sys.stderr)
        return 1
    print(f"agenda ready ({where}): {count} agencies in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
