"""Builds the knowledge base from ``data/knowledge`` and ``data/geo``.

:func:`load` reads the YAML content and the COG files, checks them, and rebuilds every
``kb_`` table inside one transaction (tables dropped and created again, so a schema
change is picked up too). A hash of the source files, of the table definitions and of
:data:`LOADER_VERSION` is kept in ``kb_meta``: when it has not changed, :func:`load`
returns ``False`` after reading the files and one row, without touching anything.
Concurrent loaders are serialised (PostgreSQL advisory lock, SQLite write lock).

``python -m secu.knowledge.loader`` loads the database of the settings
(``DATABASE_URL``, ``KNOWLEDGE_DIR``, ``GEO_DIR``) and prints one line.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import sys
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection, Engine

from secu.geo.geography import (
    CURRENT_COMMUNE_TYPES,
    Department,
    Geography,
    get_geography,
    normalize_name,
)
from secu.knowledge import models
from secu.knowledge.db import SQLITE_BEGIN_OPTION, get_engine
from secu.knowledge.models import LOCAL, Base
from secu.settings import get_settings

# Bump when the loader changes what it writes without any source file or table changing.
LOADER_VERSION = 2

KNOWLEDGE_FILES = (
    "sources.yml",
    "procedures.yml",
    "organisms.yml",
    "local_bodies.yml",
    "statuses.yml",
    "situations.yml",
)
GEO_FILES = ("departments.csv", "communes.csv")

# Procedure links may only point to these official sites (or their sub-domains).
OFFICIAL_LINK_DOMAINS = (
    "ameli.fr",
    "service-public.fr",
    "cleiss.fr",
    "cfe.fr",
    "msa.fr",
    "cnmss.fr",
    "enim.eu",
    "legifrance.gouv.fr",
)

# Any constant: the key of the PostgreSQL advisory lock held while loading.
_PG_LOCK_KEY = 0x6B625F6C6F6164  # "kb_load"

# The C loader when PyYAML has it (same results, faster).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_CODE_RANGE = re.compile(r"^(\d+)-(\d+)$")


class KnowledgeError(ValueError):
    """The content files are inconsistent; the message lists every problem found."""


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
    digest.update(f"loader:{LOADER_VERSION}\n".encode())
    digest.update(_schema_fingerprint().encode())
    for folder, names in ((Path(knowledge_dir), KNOWLEDGE_FILES), (Path(geo_dir), GEO_FILES)):
        for name in names:
            try:
                data = (folder / name).read_bytes()
            except OSError as error:
                raise KnowledgeError(f"cannot read {folder / name}: {error}") from error
            digest.update(f"\n{name}:{len(data)}\n".encode())
            digest.update(data)
    return digest.hexdigest()


# -- reading and checking the content --------------------------------------------------


def expand_codes(items: Iterable[str]) -> Iterator[str]:
    """Department codes from codes and ranges: ["01-03", "2A"] → 01, 02, 03, 2A."""
    for item in items:
        value = str(item).strip().upper()
        match = _CODE_RANGE.match(value)
        if match is None:
            yield value
            continue
        start, end = match.groups()
        for number in range(int(start), int(end) + 1):
            yield str(number).zfill(len(start))


def is_official_url(url: str) -> bool:
    """An https URL on one of :data:`OFFICIAL_LINK_DOMAINS`."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(
        host == domain or host.endswith("." + domain) for domain in OFFICIAL_LINK_DOMAINS
    )


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path.name}: not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path.name}: a mapping is expected at the top level")
    return data


class _Checker:
    """Collects every problem of the content, to report them all at once."""

    def __init__(self, source_keys: Iterable[str]) -> None:
        self.source_keys = set(source_keys)
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def text(self, where: str, record: Mapping[str, Any], name: str) -> str:
        value = record.get(name)
        if not isinstance(value, str) or not value.strip():
            self.error(where, f"'{name}' must be a non-empty text")
            return ""
        return " ".join(value.split())

    def optional_text(self, where: str, record: Mapping[str, Any], name: str) -> str | None:
        if name not in record:
            self.error(where, f"'{name}' is missing (null when unknown)")
            return None
        if record[name] is None:
            return None
        return self.text(where, record, name)

    def texts(self, where: str, record: Mapping[str, Any], name: str, *, empty: bool) -> list[str]:
        value = record.get(name)
        if not isinstance(value, list) or (not empty and not value):
            self.error(where, f"'{name}' must be a {'' if empty else 'non-empty '}list")
            return []
        found = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                self.error(where, f"'{name}' holds a value that is not a text: {item!r}")
            else:
                found.append(" ".join(item.split()))
        return found

    def date(self, where: str, value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.error(where, f"'checked_on' must be a date, not {value!r}")
        return dt.date.min

    def https(self, where: str, url: Any) -> str:
        if (
            not isinstance(url, str)
            or urlsplit(url).scheme != "https"
            or not urlsplit(url).hostname
        ):
            self.error(where, f"not an https URL: {url!r}")
            return ""
        return url

    def sources(self, where: str, record: Mapping[str, Any]) -> list[str]:
        keys = self.texts(where, record, "sources", empty=False)
        for key in keys:
            if key not in self.source_keys:
                self.error(where, f"unknown source '{key}'")
        return keys

    def raise_if_any(self) -> None:
        if self.errors:
            raise KnowledgeError("invalid knowledge content:\n- " + "\n- ".join(self.errors))


@dataclass
class Content:
    """The rows to insert, by table name, and the counts reported after a load."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    generated_organisms: int = 0

    def add(self, model: type, **values: Any) -> None:
        self.rows.setdefault(model.__tablename__, []).append(values)

    def count(self, model: type) -> int:
        return len(self.rows.get(model.__tablename__, ()))

    @property
    def counts(self) -> dict[str, int]:
        return {
            "procedures": self.count(models.Procedure),
            "organisms": self.count(models.Organism) - self.generated_organisms,
            "local_bodies": self.count(models.LocalBody),
            "phones": self.count(models.Phone),
            "status_rules": self.count(models.StatusRule),
            "sources": self.count(models.Source),
            "departments": self.count(models.Department),
            "communes": self.count(models.Commune),
        }


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
    raw_sources = _read_yaml(knowledge_dir / "sources.yml").get("sources") or {}
    check = _Checker(raw_sources)

    for key, source in raw_sources.items():
        where = f"sources.yml {key}"
        content.add(
            models.Source,
            key=key,
            title=check.text(where, source, "title"),
            url=check.https(where, source.get("url")),
            kind=check.text(where, source, "kind"),
            checked_on=check.date(where, source.get("checked_on")),
        )

    departments = {d.code: d for d in _geography(geo_dir).departments}
    for department in departments.values():
        content.add(
            models.Department,
            code=department.code,
            name=department.name,
            article=department.article,
            preposition=department.preposition,
            is_metropolitan=department.is_metropolitan,
        )
    _read_communes(content, geo_dir / "communes.csv", departments, check)

    situations = _read_situations(knowledge_dir / "situations.yml", check)
    procedure_ids = _read_procedures(content, knowledge_dir / "procedures.yml", situations, check)
    organisms = _read_organisms(content, knowledge_dir / "organisms.yml", check)
    _read_local_bodies(content, knowledge_dir / "local_bodies.yml", departments, organisms, check)
    _read_statuses(content, knowledge_dir / "statuses.yml", procedure_ids, organisms, check)
    check.raise_if_any()
    return content


def _read_communes(
    content: Content, path: Path, departments: Mapping[str, Department], check: _Checker
) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["type_code"] not in CURRENT_COMMUNE_TYPES:
                continue
            if row["department_code"] not in departments:
                check.error(f"communes.csv {row['code']}", "unknown department")
                continue
            content.add(
                models.Commune,
                code=row["code"],
                type_code=row["type_code"],
                name=row["name"],
                folded_name=normalize_name(row["name"]),
                department_code=row["department_code"],
            )


def _read_situations(path: Path, check: _Checker) -> dict[str, str]:
    """{situation: topic} from situations.yml (the dialogue side reads the rest)."""
    raw = _read_yaml(path).get("situations") or {}
    found: dict[str, str] = {}
    for name, entry in raw.items():
        where = f"situations.yml {name}"
        if not _SNAKE_CASE.match(str(name)):
            check.error(where, "a situation must be snake_case")
        found[str(name)] = check.text(where, entry if isinstance(entry, dict) else {}, "topic")
    return found


def _read_procedures(
    content: Content, path: Path, situations: Mapping[str, str], check: _Checker
) -> set[str]:
    records = _read_yaml(path).get("procedures") or []
    seen: set[str] = set()
    defaults: dict[str, str] = {}
    for position, record in enumerate(records):
        pid = str(record.get("id", ""))
        where = f"procedures.yml {pid or position}"
        if not _SNAKE_CASE.match(pid):
            check.error(where, "'id' must be snake_case")
        if pid in seen:
            check.error(where, "duplicate id")
        seen.add(pid)
        topic = check.text(where, record, "topic")
        is_default = record.get("default", False)
        if not isinstance(is_default, bool):
            check.error(where, "'default' must be true or false")
        elif is_default and topic in defaults:
            check.error(where, f"topic '{topic}' already has a default ({defaults[topic]})")
        elif is_default:
            defaults[topic] = pid
        content.add(
            models.Procedure,
            id=pid,
            position=position,
            topic=topic,
            is_default=bool(is_default),
            title=check.text(where, record, "title"),
            audience=check.text(where, record, "audience"),
            summary=check.text(where, record, "summary"),
            delays=check.optional_text(where, record, "delays"),
            checked_on=check.date(where, record.get("checked_on")),
        )
        for index, step in enumerate(check.texts(where, record, "steps", empty=False)):
            content.add(models.ProcedureStep, procedure_id=pid, position=index, text=step)
        for index, doc in enumerate(check.texts(where, record, "documents", empty=True)):
            content.add(models.ProcedureDocument, procedure_id=pid, position=index, text=doc)
        links = record.get("links")
        if not isinstance(links, list):
            check.error(where, "'links' must be a list")
            links = []
        for index, link in enumerate(links):
            if not isinstance(link, dict):
                check.error(where, f"a link must be a mapping: {link!r}")
                continue
            url = check.https(where, link.get("url"))
            if url and not is_official_url(url):
                check.error(where, f"link outside the official sites: {url}")
            content.add(
                models.ProcedureLink,
                procedure_id=pid,
                position=index,
                title=check.text(where, link, "title"),
                url=url,
            )
        for index, key in enumerate(check.sources(where, record)):
            content.add(models.ProcedureSource, procedure_id=pid, position=index, source_key=key)
        statuses = record.get("statuses") or []
        for status in dict.fromkeys(
            check.texts(where, {"statuses": statuses}, "statuses", empty=True)
        ):
            content.add(models.ProcedureStatus, procedure_id=pid, status=status)
        chosen_by = record.get("situations") or []
        for situation in dict.fromkeys(
            check.texts(where, {"situations": chosen_by}, "situations", empty=True)
        ):
            if situations.get(situation) != topic:
                check.error(where, f"situation '{situation}' is not one of topic '{topic}'")
            content.add(models.ProcedureSituation, procedure_id=pid, situation=situation)
    return seen


def _read_organisms(content: Content, path: Path, check: _Checker) -> dict[str, str]:
    """Adds the national organisms and their phones; returns {key: kind}."""
    records = _read_yaml(path).get("organisms") or []
    organisms: dict[str, str] = {}
    phone_position = 0
    for position, record in enumerate(records):
        key = str(record.get("key", ""))
        where = f"organisms.yml {key or position}"
        if not _SNAKE_CASE.match(key):
            check.error(where, "'key' must be snake_case")
        if key in organisms:
            check.error(where, "duplicate key")
        organisms[key] = check.text(where, record, "kind")
        content.add(
            models.Organism,
            key=key,
            position=position,
            name=check.text(where, record, "name"),
            short_name=check.text(where, record, "short_name"),
            kind=organisms[key],
            description=check.text(where, record, "description"),
            website=check.https(where, record.get("website")),
            checked_on=check.date(where, record.get("checked_on")),
        )
        for index, source in enumerate(check.sources(where, record)):
            content.add(models.OrganismSource, organism_key=key, position=index, source_key=source)
        phones = record.get("phones")
        if not isinstance(phones, list):
            check.error(where, "'phones' must be a list (empty when none)")
            phones = []
        for index, phone in enumerate(phones):
            phone_key = str(phone.get("key", ""))
            at = f"{where} phone {phone_key or index}"
            if not _SNAKE_CASE.match(phone_key):
                check.error(at, "'key' must be snake_case")
            if not isinstance(phone.get("from_abroad"), bool):
                check.error(at, "'from_abroad' must be true or false")
            content.add(
                models.Phone,
                key=phone_key,
                position=phone_position,
                owner_key=key,
                number=check.text(at, phone, "number"),
                label=check.text(at, phone, "label"),
                from_abroad=bool(phone.get("from_abroad")),
                price_note=check.optional_text(at, phone, "price_note"),
                hours=check.optional_text(at, phone, "hours"),
                hours_caution=check.optional_text(at, phone, "hours_caution"),
            )
            phone_position += 1
            for rank, source in enumerate(check.sources(at, phone)):
                content.add(
                    models.PhoneSource, phone_key=phone_key, position=rank, source_key=source
                )
            content.add(models.OrganismPhone, organism_key=key, position=index, phone_key=phone_key)
    phone_keys = [row["key"] for row in content.rows.get("kb_phone", ())]
    if len(phone_keys) != len(set(phone_keys)):
        check.error("organisms.yml", "two phones share a key")
    return organisms


def _read_local_bodies(
    content: Content,
    path: Path,
    departments: Mapping[str, Department],
    organisms: dict[str, str],
    check: _Checker,
) -> None:
    raw = _read_yaml(path)
    checked_on = check.date("local_bodies.yml", raw.get("checked_on"))
    phone_keys = {row["key"] for row in content.rows.get("kb_phone", ())}
    notes = raw.get("notes") or {}
    covered: dict[str, int] = {}
    position = len(organisms)
    for index, rule in enumerate(raw.get("rules") or []):
        where = f"local_bodies.yml rule {index + 1} ({rule.get('kind')})"
        codes = list(expand_codes(rule.get("departments") or []))
        if not codes:
            check.error(where, "'departments' is empty")
        for code in codes:
            if code not in departments:
                check.error(where, f"unknown department {code}")
            elif code in covered:
                check.error(where, f"department {code} already has a body (rule {covered[code]})")
            covered.setdefault(code, index + 1)
        existing = rule.get("organism")
        if existing is not None:
            if existing not in organisms:
                check.error(where, f"unknown organism '{existing}'")
            for code in codes:
                content.add(
                    models.LocalBody,
                    department_code=code,
                    organism_key=existing,
                    note=notes.get(code),
                )
            continue
        kind = check.text(where, rule, "kind")
        sources = check.sources(where, rule)
        phones = check.texts(where, rule, "phones", empty=True)
        for phone in phones:
            if phone not in phone_keys:
                check.error(where, f"unknown phone '{phone}'")
        patterns = {name: check.text(where, rule, name) for name in ("key", "name", "description")}
        short_name = check.text(where, rule, "short_name")
        website = check.https(where, rule.get("website"))
        for code in codes:
            department = departments.get(code)
            if department is None:
                continue
            values = {"code": code, "of_department": department.with_preposition}
            try:
                key, name, description = (patterns[n].format(**values) for n in patterns)
            except (KeyError, IndexError) as error:
                check.error(where, f"bad pattern placeholder {error}")
                return
            key = key.lower()
            content.add(
                models.Organism,
                key=key,
                position=position,
                name=name,
                short_name=short_name,
                kind=kind,
                description=description,
                website=website,
                checked_on=checked_on,
            )
            content.generated_organisms += 1
            position += 1
            for rank, source in enumerate(sources):
                content.add(
                    models.OrganismSource, organism_key=key, position=rank, source_key=source
                )
            for rank, phone in enumerate(phones):
                content.add(models.OrganismPhone, organism_key=key, position=rank, phone_key=phone)
            content.add(
                models.LocalBody, department_code=code, organism_key=key, note=notes.get(code)
            )
    for code in departments:
        if code not in covered:
            check.error("local_bodies.yml", f"department {code} has no local body")
    for code, note in notes.items():
        if code not in departments:
            check.error("local_bodies.yml", f"note for an unknown department {code}")
        elif not isinstance(note, str) or not note.strip():
            check.error("local_bodies.yml", f"the note of {code} must be a text")


def _read_statuses(
    content: Content,
    path: Path,
    procedure_ids: set[str],
    organisms: dict[str, str],
    check: _Checker,
) -> None:
    raw = _read_yaml(path)
    checked_on = check.date("statuses.yml", raw.get("checked_on"))
    kinds = set(organisms.values())
    for position, (status, rule) in enumerate((raw.get("statuses") or {}).items()):
        where = f"statuses.yml {status}"
        kind = check.text(where, rule, "organism")
        if kind and kind != LOCAL and kind not in kinds:
            check.error(where, f"no organism of kind '{kind}' in organisms.yml")
        procedure = check.text(where, rule, "procedure")
        if procedure and procedure not in procedure_ids:
            check.error(where, f"unknown procedure '{procedure}'")
        content.add(
            models.StatusRule,
            status=status,
            position=position,
            organism_kind=kind,
            procedure_id=procedure,
            explanation=check.text(where, rule, "explanation"),
            checked_on=checked_on,
        )
        for index, source in enumerate(check.sources(where, rule)):
            content.add(models.StatusRuleSource, status=status, position=index, source_key=source)


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
    counts = content.counts
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
            Base.metadata.drop_all(connection)
            Base.metadata.create_all(connection)
            for table in Base.metadata.sorted_tables:
                rows = content.rows.get(table.name)
                if rows:
                    connection.execute(table.insert(), rows)
            built_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            meta = {"content_hash": digest, "built_at": built_at, "counts": json.dumps(counts)}
            connection.execute(
                models.Meta.__table__.insert(),
                [{"key": key, "value": value} for key, value in meta.items()],
            )
    return LoadReport(True, counts, time.perf_counter() - started, digest)


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
