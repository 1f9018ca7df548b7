"""Look-ups over the knowledge base, returning plain frozen dataclasses.

Every function takes a :class:`~sqlalchemy.orm.Session` (see
:func:`secu.knowledge.db.session_scope`) and returns values that stay valid after
the session is closed: no ORM object leaves this module. ``None`` means "not found".
The SQL is in :mod:`secu.knowledge.statements`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from secu.geo.geography import DepartmentNames
from secu.knowledge import statements as sql
from secu.knowledge.models import LOCAL
from secu.language import DEFAULT_LANGUAGE, speaking_language

# -- returned values -------------------------------------------------------------------


@dataclass(frozen=True)
class LinkInfo:
    title: str
    url: str


@dataclass(frozen=True)
class ProcedureInfo:
    id: str
    topic: str
    title: str
    audience: str
    summary: str
    steps: tuple[str, ...]
    documents: tuple[str, ...]
    delays: str | None
    links: tuple[LinkInfo, ...]
    sources: tuple[str, ...]
    checked_on: dt.date
    statuses: tuple[str, ...] = ()
    is_default: bool = False
    situations: tuple[str, ...] = ()
    cost: str | None = None
    obligation: str | None = None


@dataclass(frozen=True)
class PhoneInfo:
    key: str
    number: str
    label: str
    from_abroad: bool
    price_note: str | None
    hours: str | None
    hours_caution: str | None
    owner_key: str
    sources: tuple[str, ...]

    @property
    def display(self) -> str:
        """The number as the assistant writes it: "3646 (service gratuit + prix de l'appel)"."""
        return f"{self.number} ({self.price_note})" if self.price_note else self.number

    @property
    def hours_text(self) -> str | None:
        """Hours with their caution: "du lundi au vendredi, … (en général ; …)"."""
        if self.hours is None:
            return None
        return f"{self.hours} ({self.hours_caution})" if self.hours_caution else self.hours


@dataclass(frozen=True)
class OrganismInfo:
    key: str
    name: str
    short_name: str
    kind: str
    description: str
    website: str
    phones: tuple[PhoneInfo, ...]
    sources: tuple[str, ...]
    checked_on: dt.date


@dataclass(frozen=True)
class DepartmentInfo(DepartmentNames):
    code: str
    name: str
    article: str
    preposition: str
    is_metropolitan: bool


@dataclass(frozen=True)
class LocalBodyInfo:
    """The caisse of a department's residents."""

    department: DepartmentInfo
    organism: OrganismInfo
    note: str | None  # e.g. several CPAMs in the department

    @property
    def name(self) -> str:
        return self.organism.name

    @property
    def phones(self) -> tuple[PhoneInfo, ...]:
        return self.organism.phones


@dataclass(frozen=True)
class ContactInfo:
    """How a department's residents reach their caisse, ready to show."""

    department: DepartmentInfo
    organism: OrganismInfo
    phones: tuple[PhoneInfo, ...]  # to call from France
    abroad_phones: tuple[PhoneInfo, ...]  # to call from abroad
    note: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class StatusInfo:
    """Which body handles a status, and what to show."""

    status: str
    organism_kind: str  # "local" (caisse of residence) or an organism kind (msa, cnmss, enim)
    explanation: str
    procedure_id: str
    organism: OrganismInfo | None  # the body, when it is known (national, or department given)
    note: str | None
    sources: tuple[str, ...]

    @property
    def is_local(self) -> bool:
        return self.organism_kind == LOCAL


# -- helpers -----------------------------------------------------------------------------


def department_key(code: str) -> str:
    """Department code as stored: "2a" → "2A", "1" → "01", " 33 " → "33"."""
    key = code.strip().upper()
    return key.zfill(2) if key.isdigit() and len(key) == 1 else key


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def translations_of(session: Session, kind: str, key: str) -> dict[tuple[str, int], str]:
    """A record's texts in the language spoken (kb_translation); none in French."""
    language = speaking_language()
    if language == DEFAULT_LANGUAGE:
        return {}
    rows = session.execute(sql.TRANSLATIONS, {"kind": kind, "key": key, "language": language})
    return {(row.field, row.position): row.text for row in rows}


def _in_language(texts: dict[tuple[str, int], str], field: str, french: str | None) -> str | None:
    """The text of a single field in the language spoken, its French text otherwise."""
    return texts.get((field, 0), french) if french is not None else None


def _phone_info(session: Session, phone: Any, sources: Iterable[str]) -> PhoneInfo:
    texts = translations_of(session, "phone", phone.key)
    return PhoneInfo(
        key=phone.key,
        number=phone.number,
        label=texts.get(("label", 0), phone.label),
        from_abroad=bool(phone.from_abroad),
        price_note=_in_language(texts, "price_note", phone.price_note),
        hours=_in_language(texts, "hours", phone.hours),
        hours_caution=_in_language(texts, "hours_caution", phone.hours_caution),
        owner_key=phone.owner_key,
        sources=_unique(sources),
    )


def _organism_info(session: Session, row: Any) -> OrganismInfo:
    """OrganismInfo for an organism row: its phones, then every source (two queries)."""
    phones = session.execute(sql.ORGANISM_PHONES, {"key": row.key}).all()
    sources: list[str] = []
    phone_sources: dict[str, list[str]] = {}
    for phone_key, _position, source_key in session.execute(sql.ORGANISM_SOURCES, {"key": row.key}):
        if phone_key:
            phone_sources.setdefault(phone_key, []).append(source_key)
        else:
            sources.append(source_key)
    return OrganismInfo(
        key=row.key,
        name=row.name,
        short_name=row.short_name,
        kind=row.kind,
        description=translations_of(session, "organism", row.key).get(
            ("description", 0), row.description
        ),
        website=row.website,
        phones=tuple(
            _phone_info(session, phone, phone_sources.get(phone.key, ())) for phone in phones
        ),
        sources=tuple(sources),
        checked_on=row.checked_on,
    )


# -- look-ups ----------------------------------------------------------------------------


def procedure(session: Session, procedure_id: str) -> ProcedureInfo | None:
    """A procedure by id ("lost_number_with_document"), with its steps, links and sources."""
    row = session.execute(sql.PROCEDURE, {"pid": procedure_id}).first()
    if row is None:
        return None
    found: dict[str, list[tuple[str, str | None]]] = {}
    for kind, _position, first, second in session.execute(sql.PROCEDURE_CHILDREN, {"pid": row.id}):
        found.setdefault(kind, []).append((first, second))
    info = ProcedureInfo(
        id=row.id,
        topic=row.topic,
        title=row.title,
        audience=row.audience,
        summary=row.summary,
        steps=tuple(text for text, _ in found.get("step", ())),
        documents=tuple(text for text, _ in found.get("document", ())),
        delays=row.delays,
        links=tuple(LinkInfo(title, url or "") for title, url in found.get("link", ())),
        sources=tuple(key for key, _ in found.get("source", ())),
        checked_on=row.checked_on,
        statuses=tuple(status for status, _ in found.get("status", ())),
        is_default=bool(row.is_default),
        situations=tuple(situation for situation, _ in found.get("situation", ())),
        cost=row.cost,
        obligation=row.obligation,
    )
    texts = translations_of(session, "procedure", info.id)
    return translated(info, texts) if texts else info


def translated(info: ProcedureInfo, texts: dict[tuple[str, int], str]) -> ProcedureInfo:
    """The procedure's texts in the language spoken where the content has them
    (kb_translation), its French texts elsewhere."""

    def one(field: str, french: str | None) -> str | None:
        return _in_language(texts, field, french)

    def items(field: str, french: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(texts.get((field, index), text) for index, text in enumerate(french))

    return replace(
        info,
        title=texts.get(("title", 0), info.title),
        audience=texts.get(("audience", 0), info.audience),
        summary=texts.get(("summary", 0), info.summary),
        delays=one("delays", info.delays),
        cost=one("cost", info.cost),
        obligation=one("obligation", info.obligation),
        steps=items("step", info.steps),
        documents=items("document", info.documents),
        links=tuple(
            LinkInfo(texts.get(("link", index), link.title), link.url)
            for index, link in enumerate(info.links)
        ),
    )


def procedure_for(
    session: Session, topic: str, status: str | None = None, situation: str | None = None
) -> ProcedureInfo | None:
    """The procedure to show for a topic (an intent name) and, when known, a status.

    In order: the topic's procedure for that situation (situations.yml), when one is
    given and known; the topic's procedure listing that status; the status's own
    procedure (statuses.yml) when it belongs to the topic; the topic's default procedure.
    """
    if situation:
        found = session.execute(
            sql.PROCEDURE_FOR_SITUATION, {"topic": topic, "situation": situation}
        ).scalar()
        if found is not None:
            return procedure(session, found)
    if status:
        found = session.execute(
            sql.PROCEDURE_FOR_TOPIC_AND_STATUS, {"topic": topic, "status": status}
        ).scalar()
    else:
        found = session.execute(sql.PROCEDURE_FOR_TOPIC, {"topic": topic}).scalar()
    return procedure(session, found) if found is not None else None


def local_body(session: Session, department_code: str) -> LocalBodyInfo | None:
    """The CPAM, CGSS or CSSM of a department, with its phones; None for an unknown code."""
    row = session.execute(sql.LOCAL_BODY, {"code": department_key(department_code)}).first()
    if row is None:
        return None
    department_info = DepartmentInfo(
        code=row.department_code,
        name=row.department_name,
        article=row.article,
        preposition=row.preposition,
        is_metropolitan=bool(row.is_metropolitan),
    )
    notes = translations_of(session, "local_note", row.department_code)
    note = _in_language(notes, "note", row.note)
    return LocalBodyInfo(
        department=department_info, organism=_organism_info(session, row), note=note
    )


def contact_for_department(session: Session, code: str) -> ContactInfo | None:
    """Who to contact for a department, and how (from France and from abroad)."""
    body = local_body(session, code)
    if body is None:
        return None
    phones = tuple(p for p in body.organism.phones if not p.from_abroad)
    abroad = tuple(p for p in body.organism.phones if p.from_abroad)
    sources = [*body.organism.sources, *(s for p in body.organism.phones for s in p.sources)]
    return ContactInfo(
        department=body.department,
        organism=body.organism,
        phones=phones,
        abroad_phones=abroad,
        note=body.note,
        sources=_unique(sources),
    )


def organism_for_status(
    session: Session, status: str, department_code: str | None = None
) -> StatusInfo | None:
    """Which body handles a status (statuses.yml).

    For a national scheme (MSA, CNMSS, ENIM) the organism is always given; for "local"
    (the caisse of residence) it is given when ``department_code`` is.
    """
    rows = session.execute(sql.STATUS_RULE, {"status": status}).all()
    if not rows:
        return None
    rule = rows[0]
    body: OrganismInfo | None = None
    note: str | None = None
    if rule.organism_kind == LOCAL:
        if department_code:
            local = local_body(session, department_code)
            if local is not None:
                body, note = local.organism, local.note
    else:
        national = session.execute(sql.ORGANISM_BY_KIND, {"kind": rule.organism_kind}).first()
        body = _organism_info(session, national) if national is not None else None
    return StatusInfo(
        status=rule.status,
        organism_kind=rule.organism_kind,
        explanation=translations_of(session, "status", rule.status).get(
            ("explanation", 0), rule.explanation
        ),
        procedure_id=rule.procedure_id,
        organism=body,
        note=note,
        sources=_unique(r.source_key for r in rows if r.source_key is not None),
    )
