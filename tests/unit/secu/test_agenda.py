"""The agenda: references, phone numbers, French dates, free times, and bookings in a
database (SQLite, and PostgreSQL when TEST_POSTGRES_URL is set), where two
conversations booking the same time at the same moment never both get it."""

from __future__ import annotations

import datetime as dt
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from secu.agenda import service, slots
from secu.agenda.french_time import french_date, french_datetime, short_button
from secu.agenda.models import BookedCell, Booking
from secu.agenda.phone import parse_phone
from secu.agenda.references import ALPHABET, find_reference, is_reference, new_reference
from secu.agenda.setup import AgendaError, parse_hours, read_agenda, setup
from secu.agenda.words import load_words, parse_words
from secu.knowledge.db import make_engine, session_scope
from secu.knowledge.loader import load
from tests import bookings

ROOT = Path(__file__).resolve().parents[3]
AGENDA_FILE = ROOT / "data" / "agenda" / "agenda.yml"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
# Friday 27 November 2026, 10:00 in Paris.
NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.timezone.utc)

# -- references, phones, dates (pure) ----------------------------------------------------


def test_references_are_short_and_unambiguous() -> None:
    drawn = {new_reference() for _ in range(500)}
    assert len(drawn) == 500
    for reference in drawn:
        assert reference.startswith("RDV-") and len(reference) == 10 and is_reference(reference)
    assert not set("01OIL") & set(ALPHABET)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("annuler RDV-7K3F9Q svp", "RDV-7K3F9Q"),
        ("annule rdv 7k3f9q", "RDV-7K3F9Q"),
        ("rdv-h4k2mp", "RDV-H4K2MP"),
        ("annuler mon rdv", None),
        ("RDV-7K3", None),
        ("mon rdv demain", None),
        ("rdv agence", None),
    ],
)
def test_a_reference_typed_in_a_message(text: str, expected: str | None) -> None:
    assert find_reference(text) == expected


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("mon num c 0612345678", "06 12 34 56 78"),
        ("+33 7 81 22 33 44", "07 81 22 33 44"),
        ("appelez moi au 01 45 67 89 10", "01 45 67 89 10"),
        ("0692 12 34 56", "0692 12 34 56"),  # La Réunion
        ("0639 69 12 34", "0639 69 12 34"),  # Mayotte
    ],
)
def test_french_phone_numbers_are_normalised(text: str, display: str) -> None:
    phone = parse_phone(text)
    assert phone is not None and phone.display == display
    assert phone.e164.startswith("+") and phone.masked.endswith(display[-2:])


@pytest.mark.parametrize(
    "text",
    ["3646", "06 12 34", "08 99 12 34 56", "+44 20 7946 0958", "1 85 05 78 006 084 36", "demain"],
)
def test_numbers_that_cannot_be_called_back_are_refused(text: str) -> None:
    assert parse_phone(text) is None


def test_dates_in_french() -> None:
    assert french_datetime(dt.datetime(2026, 12, 8, 9, 30)) == "mardi 8 décembre à 9 h 30"
    assert french_datetime(dt.datetime(2027, 1, 1, 14, 0)) == "vendredi 1er janvier à 14 h"
    assert french_date(dt.date(2026, 8, 15)) == "samedi 15 août"
    assert short_button(dt.datetime(2026, 12, 8, 9, 30)) == "mar. 8 déc. 9 h 30"
    assert short_button(dt.datetime(2026, 5, 4, 14, 0)) == "lun. 4 mai 14 h"


# -- free times (pure) --------------------------------------------------------------------

WEEK = [slots.Opening(day, dt.time(8, 30), dt.time(12, 0)) for day in range(5)] + [
    slots.Opening(day, dt.time(13, 30), dt.time(16, 30)) for day in range(4)
]
FRIDAY_10 = dt.datetime(2026, 11, 27, 10, 0)


def no_holiday(_day: dt.date) -> bool:
    return False


def test_free_times_start_the_next_working_day_and_skip_the_weekend() -> None:
    found = slots.free_starts(
        WEEK, minutes=30, now=FRIDAY_10, taken=set(), is_holiday=no_holiday, limit=3
    )
    assert found == [
        dt.datetime(2026, 11, 30, 8, 30),
        dt.datetime(2026, 11, 30, 9, 0),
        dt.datetime(2026, 11, 30, 9, 30),
    ]


def test_an_appointment_ends_before_closing_and_skips_taken_cells() -> None:
    day = dt.date(2026, 12, 4)  # a Friday: open 8:30-12:00 only
    starts = list(slots.starts_on(day, WEEK, 45))
    assert starts[-1] == dt.datetime(2026, 12, 4, 11, 0)
    taken = set(slots.cells(dt.datetime(2026, 11, 30, 8, 30), 45))
    found = slots.free_starts(WEEK, minutes=15, now=FRIDAY_10, taken=taken, is_holiday=no_holiday)
    assert found[0] == dt.datetime(2026, 11, 30, 9, 30)


def test_public_holidays_are_closed_with_local_ones() -> None:
    assert service.is_public_holiday("33", dt.date(2026, 12, 25))
    assert not service.is_public_holiday("33", dt.date(2026, 12, 26))
    assert service.is_public_holiday("67", dt.date(2026, 12, 26))  # Alsace: Saint-Étienne
    assert service.is_public_holiday("974", dt.date(2026, 12, 20))  # La Réunion: abolition
    christmas_eve = dt.datetime(2026, 12, 24, 10, 0)
    found = slots.free_starts(
        WEEK,
        minutes=30,
        now=christmas_eve,
        taken=set(),
        is_holiday=lambda day: service.is_public_holiday("33", day),
        limit=1,
    )
    assert found == [dt.datetime(2026, 12, 28, 8, 30)]  # not Christmas, not the weekend


def test_later_times_after_the_last_offered() -> None:
    first = slots.free_starts(WEEK, minutes=30, now=FRIDAY_10, taken=set(), is_holiday=no_holiday)
    later = slots.free_starts(
        WEEK, minutes=30, now=FRIDAY_10, taken=set(), is_holiday=no_holiday, after=first[-1]
    )
    assert later[0] > first[-1] and not set(first) & set(later)


def test_agenda_file_is_checked() -> None:
    data = read_agenda(AGENDA_FILE)
    assert data.demo is True and {r["key"] for r in data.reasons} >= {
        "carte_vitale",
        "registration",
        "rights",
        "abroad",
        "other",
    }
    with pytest.raises(AgendaError):
        parse_hours({"monday": ["12:00-08:00"]})
    with pytest.raises(AgendaError):
        parse_hours({"lundi": ["08:00-12:00"]})


@pytest.mark.parametrize("text", ["reasons: [", "- a list"])
def test_an_agenda_file_that_is_not_a_yaml_mapping_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "agenda.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AgendaError, match=r"agenda\.yml"):
        read_agenda(path)


def test_the_words_of_the_booking_dialogue() -> None:
    words = load_words(AGENDA_FILE)
    assert words.reason("je suis née à l'étranger") == "registration"
    assert words.reason("je pars au Japon") == "abroad"
    assert words.channel("Rappelez-moi svp") == "phone"
    assert words.channel("au guichet") == "agency"
    assert words.change("je veux changer le créneau") == "appointment_time"
    assert words.wants_later("vous avez plus tard ?")
    assert not words.wants_later("mardi 9h30")
    assert parse_words({}).reason("vitale") is None
    assert not parse_words({}).wants_later("plus tard")


# -- bookings in a database -------------------------------------------------------------


def database_urls() -> list:
    urls = [pytest.param("sqlite", id="sqlite")]
    urls.append(
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=pytest.mark.skipif(not POSTGRES_URL, reason="TEST_POSTGRES_URL not set"),
        )
    )
    return urls


@pytest.fixture(params=database_urls())
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    schema = None
    if request.param == "sqlite":
        made = make_engine(f"sqlite:///{tmp_path / 'agenda.db'}")
    else:
        schema = f"ag_test_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(POSTGRES_URL, future=True)
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        made = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    load(made, ROOT / "data" / "knowledge", ROOT / "data" / "geo")
    setup(made, AGENDA_FILE)
    yield made
    made.dispose()
    if schema is not None:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def book_first_free(engine: Engine, conversation: str, department: str = "33", reason="rights"):
    with session_scope(engine) as session:
        return bookings.book_first_free(
            session, conversation, NOW, department=department, reason=reason
        )


def test_every_department_has_a_demo_agency_in_its_prefecture(engine: Engine) -> None:
    with session_scope(engine) as session:
        gironde = service.agency_for_department(session, "33")
        mayotte = service.agency_for_department(session, "976")
        reunion = service.agency_for_department(session, "974")
        count = session.execute(sa.text("SELECT count(*) FROM ag_agency")).scalar()
    assert count == 101
    assert gironde is not None and gironde.name == "Accueil de la CPAM de la Gironde"
    assert gironde.city == "Bordeaux" and gironde.is_demo
    assert (
        mayotte is not None and "Mayotte" in mayotte.name and mayotte.timezone == "Indian/Mayotte"
    )
    assert reunion is not None and reunion.timezone == "Indian/Reunion"


def test_book_list_and_cancel(engine: Engine) -> None:
    booking = book_first_free(engine, "conv-1")
    assert is_reference(booking.reference)
    assert booking.starts_at == dt.datetime(2026, 11, 30, 8, 30)
    with session_scope(engine) as session:
        assert [b.reference for b in service.bookings_of(session, "conv-1")] == [booking.reference]
        assert service.bookings_of(session, "conv-2") == []
        # another conversation cannot cancel it
        assert service.cancel(session, "conv-2", booking.reference, NOW) is None
    with session_scope(engine) as session:
        cancelled = service.cancel(session, "conv-1", booking.reference, NOW)
        assert cancelled is not None and cancelled.status == "cancelled"
        assert service.bookings_of(session, "conv-1") == []
        assert service.cancel(session, "conv-1", booking.reference, NOW) is None
    # the time is free again
    assert book_first_free(engine, "conv-3").starts_at == booking.starts_at


def test_a_taken_time_is_refused_and_longer_appointments_block_their_cells(engine: Engine) -> None:
    first = book_first_free(engine, "conv-1", reason="registration")  # 45 minutes
    with session_scope(engine) as session:
        agency = service.agency_for_department(session, "33")
        short = service.reason(session, "rights")
        assert agency and short
        with pytest.raises(service.SlotTaken):
            service.book(
                session,
                conversation_id="conv-2",
                agency=agency,
                channel="agency",
                reason=short,
                starts_at=first.starts_at + dt.timedelta(minutes=30),
                phone_e164=None,
                now=NOW,
            )
        with pytest.raises(service.SlotTaken):  # a time that is not open
            service.book(
                session,
                conversation_id="conv-2",
                agency=agency,
                channel="agency",
                reason=short,
                starts_at=dt.datetime(2026, 12, 5, 9, 0),
                phone_e164=None,
                now=NOW,
            )
        # the next start on the half-hour grid after the 45 minutes
        assert service.free_times(session, agency, "agency", short, NOW, limit=1)[0] == (
            first.starts_at + dt.timedelta(minutes=60)
        )
        # the phone channel has its own agenda
        assert service.free_times(session, agency, "phone", short, NOW, limit=1)[0] == (
            first.starts_at
        )


def test_two_conversations_booking_the_same_time_at_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        agency = service.agency_for_department(session, "69")
        reason = service.reason(session, "carte_vitale")
        assert agency and reason
        start = service.free_times(session, agency, "phone", reason, NOW, limit=1)[0]
    barrier = threading.Barrier(6)
    results: list[str] = []
    lock = threading.Lock()
    locked_engine = engine.execution_options(sqlite_begin="IMMEDIATE")

    def attempt(number: int) -> None:
        barrier.wait()
        try:
            with session_scope(locked_engine) as session:
                service.book(
                    session,
                    conversation_id=f"conv-{number}",
                    agency=agency,
                    channel="phone",
                    reason=reason,
                    starts_at=start,
                    phone_e164="+33612345678",
                    now=NOW,
                )
            outcome = "booked"
        except service.SlotTaken:
            outcome = "taken"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["booked"] + ["taken"] * 5
    with session_scope(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 1
        assert session.scalar(sa.select(sa.func.count()).select_from(BookedCell)) == 1


def test_setup_again_keeps_the_bookings(engine: Engine) -> None:
    booking = book_first_free(engine, "conv-1")
    setup(engine, AGENDA_FILE)
    with session_scope(engine) as session:
        assert [b.reference for b in service.bookings_of(session, "conv-1")] == [booking.reference]
        version = session.execute(sa.text("SELECT version_num FROM ag_alembic_version")).scalar()
    assert version == "0002_reason_english"


def test_the_migrations_build_exactly_the_models(engine: Engine) -> None:
    """A model changed without its Alembic migration fails here (bookings must survive
    upgrades, so the schema is only ever changed by a migration)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from secu.agenda.models import AgendaBase, include_object

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        differences = compare_metadata(context, AgendaBase.metadata)
    assert differences == []
