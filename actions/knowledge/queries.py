"""Look-ups over the knowledge base, returning plain frozen dataclasses.

Every function takes a :class:`~sqlalchemy.orm.Session` (see
:func:`actions.knowledge.db.session_scope`) and returns values that stay valid after
the session is closed: no ORM object leaves this module. ``None`` (or an empty tuple)
means "not found".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.geography import normalize_name
from actions.knowledge import models
from actions.knowledge.models import LOCAL

NATIONAL_KIND = "assurance_maladie"  # the organism behind 3646 and the compte ameli


# -- returned values -------------------------------------------------------------------


@dataclass(frozen=True)
class SourceInfo:
    key: str
    title: str
    url: str
    kind: str  # "official" or "secondary"
    checked_on: dt.date


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
class DepartmentInfo:
    code: str
    name: str
    article: str
    preposition: str
    is_metropolitan: bool

    @property
    def with_article(self) -> str:
        """ "la Gironde", "l'Ain", "Paris"."""
        return f"{self.article.lower()}{self.name}"

    @property
    def with_preposition(self) -> str:
        """ "de la Gironde", "du Rhône", "des Landes", "de Paris", "d'Eure-et-Loir"."""
        return f"{self.preposition.lower()}{self.name}"


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


@dataclass(frozen=True)
class CommuneInfo:
    code: str
    name: str
    department_code: str
    type_code: str  # COM (commune) or ARM (arrondissement of Paris, Lyon, Marseille)

    @property
    def is_arrondissement(self) -> bool:
        return self.type_code == "ARM"

    @property
    def display_name(self) -> str:
        """ "Paris 15e arrondissement" rather than the COG's capitalised form."""
        return self.name.replace(" Arrondissement", " arrondissement")


# -- helpers -----------------------------------------------------------------------------


def department_key(code: str) -> str:
    """Department code as stored: "2a" → "2A", "1" → "01", " 33 " → "33"."""
    key = code.strip().upper()
    return key.zfill(2) if key.isdigit() and len(key) == 1 else key


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _texts(
    session: Session, column: Any, parent_column: Any, parent: str, order: Any
) -> tuple[str, ...]:
    rows = session.execute(select(column).where(parent_column == parent).order_by(order))
    return tuple(rows.scalars())


def _phones(session: Session, organism_key: str) -> tuple[PhoneInfo, ...]:
    link = models.OrganismPhone
    rows = session.execute(
        select(models.Phone)
        .join(link, link.phone_key == models.Phone.key)
        .where(link.organism_key == organism_key)
        .order_by(link.position)
    ).scalars()
    return _phone_infos(session, list(rows))


def _phone_infos(session: Session, phones: list[models.Phone]) -> tuple[PhoneInfo, ...]:
    if not phones:
        return ()
    source = models.PhoneSource
    sources: dict[str, list[str]] = {}
    rows = session.execute(
        select(source.phone_key, source.source_key)
        .where(source.phone_key.in_([phone.key for phone in phones]))
        .order_by(source.phone_key, source.position)
    )
    for phone_key, source_key in rows:
        sources.setdefault(phone_key, []).append(source_key)
    return tuple(
        PhoneInfo(
            key=phone.key,
            number=phone.number,
            label=phone.label,
            from_abroad=phone.from_abroad,
            price_note=phone.price_note,
            hours=phone.hours,
            hours_caution=phone.hours_caution,
            owner_key=phone.owner_key,
            sources=tuple(sources.get(phone.key, ())),
        )
        for phone in phones
    )


def _department_info(row: models.Department) -> DepartmentInfo:
    return DepartmentInfo(
        code=row.code,
        name=row.name,
        article=row.article,
        preposition=row.preposition,
        is_metropolitan=row.is_metropolitan,
    )


# -- look-ups ----------------------------------------------------------------------------


def source(session: Session, key: str) -> SourceInfo | None:
    row = session.get(models.Source, key)
    if row is None:
        return None
    return SourceInfo(row.key, row.title, row.url, row.kind, row.checked_on)


def procedure(session: Session, procedure_id: str) -> ProcedureInfo | None:
    """A procedure by id ("lost_number_with_document"), with its steps, links and sources."""
    row = session.get(models.Procedure, procedure_id)
    if row is None:
        return None
    step, doc, link = models.ProcedureStep, models.ProcedureDocument, models.ProcedureLink
    src, status = models.ProcedureSource, models.ProcedureStatus
    links = session.execute(
        select(link.title, link.url).where(link.procedure_id == row.id).order_by(link.position)
    )
    return ProcedureInfo(
        id=row.id,
        topic=row.topic,
        title=row.title,
        audience=row.audience,
        summary=row.summary,
        steps=_texts(session, step.text, step.procedure_id, row.id, step.position),
        documents=_texts(session, doc.text, doc.procedure_id, row.id, doc.position),
        delays=row.delays,
        links=tuple(LinkInfo(title, url) for title, url in links),
        sources=_texts(session, src.source_key, src.procedure_id, row.id, src.position),
        checked_on=row.checked_on,
        statuses=_texts(session, status.status, status.procedure_id, row.id, status.status),
        is_default=row.is_default,
    )


def procedure_for(session: Session, topic: str, status: str | None = None) -> ProcedureInfo | None:
    """The procedure to show for a topic (an intent name) and, when known, a status.

    In order: the topic's procedure listing that status; the status's own procedure
    (statuses.yml) when it belongs to the topic; the topic's default procedure.
    """
    proc, link = models.Procedure, models.ProcedureStatus
    if status:
        found = session.execute(
            select(proc.id)
            .join(link, link.procedure_id == proc.id)
            .where(proc.topic == topic, link.status == status)
            .order_by(proc.position)
            .limit(1)
        ).scalar()
        if found is None:
            rule = models.StatusRule
            found = session.execute(
                select(proc.id)
                .join(rule, rule.procedure_id == proc.id)
                .where(rule.status == status, proc.topic == topic)
            ).scalar()
        if found is not None:
            return procedure(session, found)
    found = session.execute(
        select(proc.id).where(proc.topic == topic, proc.is_default.is_(True)).limit(1)
    ).scalar()
    return procedure(session, found) if found is not None else None


def organism(session: Session, key: str) -> OrganismInfo | None:
    """An organism by key ("msa", "cssm", "cpam_33"), with its phones."""
    row = session.get(models.Organism, key)
    if row is None:
        return None
    src = models.OrganismSource
    return OrganismInfo(
        key=row.key,
        name=row.name,
        short_name=row.short_name,
        kind=row.kind,
        description=row.description,
        website=row.website,
        phones=_phones(session, row.key),
        sources=_texts(session, src.source_key, src.organism_key, row.key, src.position),
        checked_on=row.checked_on,
    )


def department(session: Session, code: str) -> DepartmentInfo | None:
    """A department by code: "33", "2a", "1", "974"."""
    row = session.get(models.Department, department_key(code))
    return _department_info(row) if row is not None else None


def local_body(session: Session, department_code: str) -> LocalBodyInfo | None:
    """The CPAM, CGSS or CSSM of a department, with its phones; None for an unknown code."""
    body, dept = models.LocalBody, models.Department
    found = session.execute(
        select(body.organism_key, body.note, dept)
        .join(dept, dept.code == body.department_code)
        .where(body.department_code == department_key(department_code))
    ).first()
    if found is None:
        return None
    organism_key, note, department_row = found
    info = organism(session, organism_key)
    if info is None:  # impossible with the foreign key, kept for the type checker
        return None
    return LocalBodyInfo(department=_department_info(department_row), organism=info, note=note)


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


def national_phone(session: Session) -> PhoneInfo | None:
    """The Assurance Maladie's number from France (3646), with its price and hours."""
    phone, owner = models.Phone, models.Organism
    row = session.execute(
        select(phone)
        .join(owner, owner.key == phone.owner_key)
        .where(owner.kind == NATIONAL_KIND, phone.from_abroad.is_(False))
        .order_by(phone.position)
        .limit(1)
    ).scalar()
    return _phone_infos(session, [row])[0] if row is not None else None


def contact_from_abroad(session: Session) -> tuple[PhoneInfo, ...]:
    """Numbers to call from abroad: the Assurance Maladie's first, then Mayotte's CSSM."""
    rows = session.execute(
        select(models.Phone)
        .where(models.Phone.from_abroad.is_(True))
        .order_by(models.Phone.position)
    ).scalars()
    return _phone_infos(session, list(rows))


def organism_for_status(
    session: Session, status: str, department_code: str | None = None
) -> StatusInfo | None:
    """Which body handles a status (statuses.yml).

    For a national scheme (MSA, CNMSS, ENIM) the organism is always given; for "local"
    (the caisse of residence) it is given when ``department_code`` is.
    """
    rule = session.get(models.StatusRule, status)
    if rule is None:
        return None
    src = models.StatusRuleSource
    sources = list(_texts(session, src.source_key, src.status, rule.status, src.position))
    body: OrganismInfo | None = None
    note: str | None = None
    if rule.organism_kind == LOCAL:
        if department_code:
            local = local_body(session, department_code)
            if local is not None:
                body, note = local.organism, local.note
    else:
        key = session.execute(
            select(models.Organism.key)
            .where(models.Organism.kind == rule.organism_kind)
            .order_by(models.Organism.position)
            .limit(1)
        ).scalar()
        body = organism(session, key) if key is not None else None
    return StatusInfo(
        status=rule.status,
        organism_kind=rule.organism_kind,
        explanation=rule.explanation,
        procedure_id=rule.procedure_id,
        organism=body,
        note=note,
        sources=_unique(sources),
    )


def find_communes(
    session: Session, name: str, department_code: str | None = None, limit: int = 50
) -> tuple[CommuneInfo, ...]:
    """Communes (and arrondissements) with that name, by code.

    Case, accents, hyphens, apostrophes and "st"/"saint" do not matter: "st denis"
    finds Saint-Denis in the 93 and at La Réunion, among others.
    """
    key = normalize_name(name)
    if not key:
        return ()
    commune = models.Commune
    query = select(commune).where(commune.folded_name == key)
    if department_code:
        query = query.where(commune.department_code == department_key(department_code))
    rows = session.execute(query.order_by(commune.code).limit(limit)).scalars()
    return tuple(CommuneInfo(r.code, r.name, r.department_code, r.type_code) for r in rows)
