"""Query times of the knowledge base: p50/p95 over ~2,000 calls per kind of look-up.

Builds a SQLite database in a temporary folder (or, with ``--postgres URL``, a
throw-away schema that is dropped at the end), then times every public query of
``secu.knowledge.queries``. Each call opens its own session, as an action would,
and the arguments rotate over realistic inputs. The communes are not in the database:
their look-up is timed on the in-memory geography (``secu.geo.geography``), which
production uses. Prints a Markdown table.

    PYTHONPATH=. .venv/bin/python bench/bench_knowledge.py [--calls 2000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import itertools
import platform
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from secu.geo.geography import get_geography
from secu.knowledge import queries as q
from secu.knowledge.db import make_engine, session_scope
from secu.knowledge.loader import load_report
from secu.knowledge.models import Base
from secu.status import STATUSES

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "data" / "knowledge"
GEO = ROOT / "data" / "geo"

DEPARTMENTS = ("33", "69", "13", "75", "2A", "59", "974", "976", "01", "93", "20")
COMMUNES = ("Lyon", "st denis", "Saint-Étienne", "marseille", "paris 15e arrondissement", "Brest")
COMMUNES += ("L'Haÿ-les-Roses", "Sainte-Marie", "Atlantide")
PROCEDURES = ("lost_number_with_document", "born_abroad", "stay_in_europe", "book_appointment")
PROCEDURES += ("civil_servant", "nia_explained", "unknown_one")
TOPICS = (
    ("born_abroad", "etudiant"),
    ("born_abroad", "independant"),
    ("organism", "marin"),
    ("return_to_france", None),
    ("lost_number", None),
)

Lookup = Callable[[Session, Any], object]
Call = Callable[[Any], object]
LOOKUPS: tuple[tuple[str, Lookup, tuple[Any, ...]], ...] = (
    ("procedure(id)", q.procedure, PROCEDURES),
    ("procedure_for(topic, status)", lambda s, a: q.procedure_for(s, *a), TOPICS),
    ("organism_for_status(status)", q.organism_for_status, STATUSES),
    (
        "organism_for_status(status, dept)",
        lambda s, a: q.organism_for_status(s, *a),
        tuple(zip(STATUSES, itertools.cycle(DEPARTMENTS))),
    ),
    ("local_body(dept)", q.local_body, DEPARTMENTS),
    ("contact_for_department(dept)", q.contact_for_department, DEPARTMENTS),
)


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def in_session(engine: Engine, lookup: Lookup) -> Call:
    """The look-up in a session of its own, opened and closed around each call."""

    def call(argument: Any) -> object:
        with session_scope(engine) as session:
            return lookup(session, argument)

    return call


def measure(call: Call, arguments: tuple[Any, ...], calls: int) -> list[float]:
    """Milliseconds per call, sorted."""
    rotation = itertools.cycle(arguments)
    for _ in range(min(100, calls)):  # warm-up: pool, statement cache, page cache
        call(next(rotation))
    timings: list[float] = []
    for _ in range(calls):
        argument = next(rotation)
        started = time.perf_counter()
        call(argument)
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)


@contextmanager
def database(postgres_url: str | None) -> Iterator[tuple[Engine, str]]:
    if postgres_url is None:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'knowledge.db'}")
            try:
                yield engine, "SQLite (temporary file)"
            finally:
                engine.dispose()
        return
    schema = f"kb_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_url, future=True)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(postgres_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine, f"PostgreSQL (schema {schema}, dropped afterwards)"
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="timed calls per look-up")
    parser.add_argument("--postgres", metavar="URL", help="bench PostgreSQL instead of SQLite")
    args = parser.parse_args()

    with database(args.postgres) as (engine, label):
        build = load_report(engine, KNOWLEDGE, GEO)
        checks = []
        for _ in range(5):
            started = time.perf_counter()
            load_report(engine, KNOWLEDGE, GEO)
            checks.append((time.perf_counter() - started) * 1000)
        print(f"Database: {label}; Python {platform.python_version()}, SQLAlchemy {sa.__version__}")
        built = (
            f"{build.counts['procedures']} procedures, {build.counts['local_bodies']} local bodies"
        )
        print(f"Build: {build.seconds:.2f} s ({built}); ", end="")
        print(f"up-to-date check: {statistics.median(checks):.1f} ms (median of 5)")
        print()
        print("| look-up | calls | p50 (ms) | p95 (ms) | max (ms) |")
        print("|---|---:|---:|---:|---:|")
        timed = [
            (name, in_session(engine, lookup), arguments) for name, lookup, arguments in LOOKUPS
        ]
        timed.append(("geography: find_communes(name)", get_geography().find_communes, COMMUNES))
        for name, call, arguments in timed:
            timings = measure(call, arguments, args.calls)
            p50, p95 = percentile(timings, 0.50), percentile(timings, 0.95)
            print(f"| `{name}` | {len(timings)} | {p50:.2f} | {p95:.2f} | {timings[-1]:.2f} |")


if __name__ == "__main__":
    main()
