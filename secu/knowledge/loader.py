"""Builds the knowledge base from ``data/knowledge`` and ``data/geo/departments.csv``.

:func:`load` reads the YAML content and the departments, checks them, and rebuilds
every ``kb_`` table inside one transaction (tables dropped and created again, so a
schema change is picked up too). A hash of the source files, of the table definitions
and of :data:`LOADER_VERSION` is kept in ``kb_meta``: when it has not changed,
:func:`load` returns ``False`` after reading the files and one row, without touching
anything. Concurrent loaders are serialised (PostgreSQL advisory lock, SQLite write
lock).

This module orchestrates; :mod:`~secu.knowledge.checks` holds the checks,
:mod:`~secu.knowledge.records`, :mod:`~secu.knowledge.read_procedures` and
:mod:`~secu.knowledge.read_bodies` read each file into rows,
:mod:`~secu.knowledge.read_search` the searchable records, whose full-text index
:mod:`~secu.knowledge.search` builds once the rows are in.

``python -m secu.knowledge.loader`` loads the database of the settings
(``DATABASE_URL``, ``KNOWLEDGE_DIR``, ``GEO_DIR``) and prints one line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, Table, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from secu.geo.geography import Geography, get_geography
from secu.knowledge import models, search
from secu.knowledge.checks import Checker, KnowledgeError, read_kind
from secu.knowledge.db import SQLITE_BEGIN_OPTION, get_engine
from secu.knowledge.models import Base
from secu.knowledge.read_bodies import read_local_bodies, read_organisms, read_statuses
from secu.knowledge.read_procedures import read_procedures, read_situations
from secu.knowledge.read_search import Sources, read_search
from secu.knowledge.records import Content, read_departments, read_sources
from secu.knowledge.words import ANALYZER_VERSION, WORDS_FILE, load_analyzer
from secu.language import OTHER_LANGUAGES
from secu.settings import get_settings
from secu.text import ContentError, content_parts

# Bump when the loader changes what it writes without any source file or table changing.
LOADER_VERSION = 4

# Each kind is ``<kind>.yml`` and/or a folder ``<kind>/`` of YAML files (a file per topic).
KNOWLEDGE_KINDS = ("sources", "procedures", "organisms", "local_bodies", "statuses", "situations")
# Read for the searchable records only (the dialogue reads them itself).
SEARCH_KINDS = (
    "glossary",
    "intent_labels",
    *(f"intent_labels_{language}" for language in OTHER_LANGUAGES),
    "search",
)
GEO_FILES = ("departments.csv",)

# Tables an earlier loader wrote and this one does not: dropped when the base is rebuilt
# (kb_commune, the SQL copy of the communes, points at kb_department).
RETIRED_TABLES = ("kb_commune",)

# Any constant: the key of the PostgreSQL advisory lock held while loading.
_PG_LOCK_KEY = 0x6B625F6C6F6164  # "kb_load"


@dataclass(frozen=True)
class LoadReport:
    built: bool
    counts: Mapping[str, int]
    seconds: float
    content_hash: str

    def line(self, where: str = "") -> str:
        state = "built" if self.built else "up to date"
        place = f" ({where})" if where else ""
        counts = ", ".join(
            f"{value} {name.replace('_', ' ')}" for name, value in self.counts.items()
        )
        return f"knowledge base {state}{place}: {counts} in {self.seconds:.2f} s"


# -- hashing -------------------------------------------------------------------------


def _schema_fingerprint() -> str:
    parts: list[str] = []
    for table in Base.metadata.sorted_tables:
        parts.append(table.name)
        for column in table.columns:
            parts.append(f"{column.name}:{column.type}:{column.nullable}:{column.primary_key}")
        parts.extend(sorted(index.name or "" for index in table.indexes))
    return "|".join(parts)


def content_hash(knowledge_dir: Path | str, geo_dir: Path | str) -> str:
    """SHA-256 of the source files, the table definitions and the loader version."""
    digest = hashlib.sha256()
    digest.update(f"loader:{LOADER_VERSION}:{ANALYZER_VERSION}\n".encode())
    digest.update(_schema_fingerprint().encode())
    kinds = (*KNOWLEDGE_KINDS, *SEARCH_KINDS)
    knowledge = [p for kind in kinds for p in content_parts(Path(knowledge_dir), kind)]
    for path in [*knowledge, *(Path(geo_dir) / name for name in GEO_FILES)]:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise KnowledgeError(f"cannot read {path}: {error}") from error
        digest.update(f"\n{path.parent.name}/{path.name}:{len(data)}\n".encode())
        digest.update(data)
    return digest.hexdigest()


# -- reading and checking the content --------------------------------------------------


def _geography(geo_dir: Path) -> Geography:
    """The process-wide geography when ``geo_dir`` is the settings' one, else a fresh load.

    ``get_geography()`` is read once per process: a process that changes the COG files
    while running must load another folder (the hash sees the change either way).
    """
    if geo_dir.resolve() == Path(get_settings().geo_dir).resolve():
        return get_geography()
    return Geography.load(geo_dir)


def read_content(knowledge_dir: Path | str, geo_dir: Path | str) -> Content:
    """Reads and checks every file; raises :class:`KnowledgeError` listing the problems."""
    knowledge_dir, geo_dir = Path(knowledge_dir), Path(geo_dir)
    content = Content()
    raw_sources = read_kind(knowledge_dir, "sources").get("sources") or {}
    check = Checker(raw_sources)
    read_sources(content, raw_sources, check)
    departments = read_departments(content, _geography(geo_dir).departments)
    raw_situations = read_kind(knowledge_dir, "situations").get("situations") or {}
    situations = read_situations(raw_situations, check)
    procedures = read_kind(knowledge_dir, "procedures").get("procedures") or []
    procedure_ids = read_procedures(content, procedures, situations, check)
    organisms = read_organisms(content, knowledge_dir / "organisms.yml", check)
    read_local_bodies(content, knowledge_dir / "local_bodies.yml", departments, organisms, check)
    read_statuses(content, knowledge_dir / "statuses.yml", procedure_ids, organisms, check)
    _search_records(content, knowledge_dir, procedures, raw_situations, organisms, check)
    check.raise_if_any()
    return content


def _search_records(
    content: Content,
    knowledge_dir: Path,
    procedures: list,
    situations: Mapping,
    organisms: Mapping[str, str],
    check: Checker,
) -> None:
    """The searchable records, of consistent content only (no problem reported twice)."""
    if check.errors:
        return
    try:
        analyzer = load_analyzer(knowledge_dir)
    except ContentError as error:
        check.error(WORDS_FILE, str(error))
        return
    sources = Sources(
        procedures,
        situations,
        read_kind(knowledge_dir, "glossary").get("terms") or {},
        read_kind(knowledge_dir, "intent_labels"),
        read_kind(knowledge_dir, "search").get("topics") or {},
        {
            language: read_kind(knowledge_dir, f"intent_labels_{language}")
            for language in OTHER_LANGUAGES
        },
    )
    read_search(content, sources, organisms, analyzer, check)


# -- writing -----------------------------------------------------------------------------


def _stored_meta(connection: Connection) -> dict[str, str]:
    if not inspect(connection).has_table(models.Meta.__tablename__):
        return {}
    rows = connection.execute(select(models.Meta.key, models.Meta.value))
    return {key: value for key, value in rows}


def _up_to_date(meta: Mapping[str, str], digest: str, started: float) -> LoadReport | None:
    if meta.get("content_hash") != digest:
        return None
    counts = json.loads(meta.get("counts") or "{}")
    return LoadReport(False, counts, time.perf_counter() - started, digest)


def load_report(engine: Engine, knowledge_dir: Path | str, geo_dir: Path | str) -> LoadReport:
    """Like :func:`load`, with the counts and the time taken."""
    started = time.perf_counter()
    digest = content_hash(knowledge_dir, geo_dir)
    with engine.connect() as connection:
        report = _up_to_date(_stored_meta(connection), digest, started)
    if report is not None:
        return report
    content = read_content(knowledge_dir, geo_dir)
    counts = {**content.counts, "search_records": content.count(models.SearchRecord)}
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection = connection.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        with connection.begin():
            if engine.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY}
                )
            # Another process may have built it while this one was reading the files.
            report = _up_to_date(_stored_meta(connection), digest, started)
            if report is not None:
                return report
            _rebuild(connection, content, digest, counts)
    return LoadReport(True, counts, time.perf_counter() - started, digest)


def _rebuild(
    connection: Connection, content: Content, digest: str, counts: Mapping[str, int]
) -> None:
    """Drops and creates every table, then inserts the rows and the build information."""
    retired = MetaData()
    for name in RETIRED_TABLES:
        Table(name, retired).drop(connection, checkfirst=True)
    search.drop_index(connection)
    Base.metadata.drop_all(connection)
    Base.metadata.create_all(connection)
    for table in Base.metadata.sorted_tables:
        rows = content.rows.get(table.name)
        if rows:
            connection.execute(table.insert(), rows)
    search.build_index(connection)
    built_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    meta = {"content_hash": digest, "built_at": built_at, "counts": json.dumps(counts)}
    connection.execute(
        models.Meta.__table__.insert(),
        [{"key": key, "value": value} for key, value in meta.items()],
    )


def load(engine: Engine, knowledge_dir: Path | str, geo_dir: Path | str) -> bool:
    """Builds or refreshes the knowledge base in one transaction; False when up to date."""
    return load_report(engine, knowledge_dir, geo_dir).built


_ensured: weakref.WeakSet[Engine] = weakref.WeakSet()
_ensure_lock = threading.Lock()


def ensure_loaded() -> bool:
    """Loads the settings' database once per process (for the action server's start-up)."""
    with _ensure_lock:
        engine = get_engine()
        if engine in _ensured:
            return False
        settings = get_settings()
        built = load(engine, settings.knowledge_dir, settings.geo_dir)
        _ensured.add(engine)
        return built


def main() -> int:
    settings = get_settings()
    engine = get_engine()
    where = engine.url.render_as_string(hide_password=True)
    try:
        report = load_report(engine, settings.knowledge_dir, settings.geo_dir)
    except KnowledgeError as error:
        print(f"knowledge base not loaded ({where}): {error}", file=sys.stderr)
        return 1
    print(report.line(where))
    return 0


if __name__ == "__main__":
    sys.exit(main())
