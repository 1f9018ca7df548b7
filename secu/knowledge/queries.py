"""Look-ups over the knowledge base, returning plain frozen dataclasses.

Every function takes a :class:`~sqlalchemy.orm.Session` (see
:func:`secu.knowledge.db.session_scope`) and returns values that stay valid after
the session is closed: no ORM object leaves this module. ``None`` (or an empty tuple)
means "not found".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, literal_column, null, select, union_all
from sqlalchemy.orm import Session

from secu.geo.geography import DepartmentNames, normalize_name
from secu.knowledge import models
from secu.knowledge.models import LOCAL

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
    situations: tuple[str, ...] = ()


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


# -- statements ---------------------------------------------------------------------------
# Built once at import with bound parameters (SQLAlchemy then reuses their cache keys and
# compiled forms); column-level selects, so no ORM object is built; a look-up costs 1 to 4
# queries.

_source = models.Source.__table__
_procedure = models.Procedure.__table__
_step = models.ProcedureStep.__table__
_document = models.ProcedureDocument.__table__
_link = models.ProcedureLink.__table__
_procedure_source = models.ProcedureSource.__table__
_procedure_status = models.ProcedureStatus.__table__
_procedure_situation = models.ProcedureSituation.__table__
_organism = models.Organism.__table__
_organism_source = models.OrganismSource.__table__
_phone = models.Phone.__table__
_phone_source = models.PhoneSource.__table__
_organism_phone = models.OrganismPhone.__table__
_department = models.Department.__table__
_local_body = models.LocalBody.__table__
_commune = models.Commune.__table__
_status_rule = models.StatusRule.__table__
_status_rule_source = models.StatusRuleSource.__table__


def _tag(name: str) -> Any:
    return literal_column(f"'{name}'").label("kind")


_SOURCE = select(*_source.c).where(_source.c.key == bindparam("key"))

_PROCEDURE = select(*_procedure.c).where(_procedure.c.id == bindparam("pid"))

# Steps, documents, links, sources and statuses of a procedure in one query.
_PROCEDURE_CHILDREN = union_all(
    select(_tag("step"), _step.c.position, _step.c.text.label("a"), null().label("b")).where(
        _step.c.procedure_id == bindparam("pid")
    ),
    select(_tag("document"), _document.c.position, _document.c.text, null()).where(
        _document.c.procedure_id == bindparam("pid")
    ),
    select(_tag("link"), _link.c.position, _link.c.title, _link.c.url).where(
        _link.c.procedure_id == bindparam("pid")
    ),
    select(
        _tag("source"), _procedure_source.c.position, _procedure_source.c.source_key, null()
    ).where(_procedure_source.c.procedure_id == bindparam("pid")),
    select(_tag("status"), literal_column("0"), _procedure_status.c.status, null()).where(
        _procedure_status.c.procedure_id == bindparam("pid")
    ),
    select(_tag("situation"), literal_column("0"), _procedure_situation.c.situation, null()).where(
        _procedure_situation.c.procedure_id == bindparam("pid")
    ),
).order_by("kind", "position", "a")

_TOPIC_DEFAULT = select(
    _procedure.c.id, literal_column("2").label("rank"), _procedure.c.position
).where(_procedure.c.topic == bindparam("topic"), _procedure.c.is_default.is_(True))
_TOPIC_STATUS = (
    select(_procedure.c.id, literal_column("0").label("rank"), _procedure.c.position)
    .join(_procedure_status, _procedure_status.c.procedure_id == _procedure.c.id)
    .where(
        _procedure.c.topic == bindparam("topic"), _procedure_status.c.status == bindparam("status")
    )
)
_TOPIC_STATUS_RULE = (
    select(_procedure.c.id, literal_column("1").label("rank"), _procedure.c.position)
    .join(_status_rule, _status_rule.c.procedure_id == _procedure.c.id)
    .where(_procedure.c.topic == bindparam("topic"), _status_rule.c.status == bindparam("status"))
)
_PROCEDURE_FOR_SITUATION = (
    select(_procedure.c.id)
    .join(_procedure_situation, _procedure_situation.c.procedure_id == _procedure.c.id)
    .where(
        _procedure.c.topic == bindparam("topic"),
        _procedure_situation.c.situation == bindparam("situation"),
    )
    .order_by(_procedure.c.position)
    .limit(1)
)
_PROCEDURE_FOR_TOPIC = _TOPIC_DEFAULT.order_by(_procedure.c.position).limit(1)
_PROCEDURE_FOR_TOPIC_AND_STATUS = (
    union_all(_TOPIC_STATUS, _TOPIC_STATUS_RULE, _TOPIC_DEFAULT)
    .order_by("rank", "position")
    .limit(1)
)

_ORGANISM = select(*_organism.c).where(_organism.c.key == bindparam("key"))
_ORGANISM_BY_KIND = (
    select(*_organism.c)
    .where(_organism.c.kind == bindparam("kind"))
    .order_by(_organism.c.position)
    .limit(1)
)
_ORGANISM_PHONES = (
    select(*_phone.c)
    .join(_organism_phone, _organism_phone.c.phone_key == _phone.c.key)
    .where(_organism_phone.c.organism_key == bindparam("key"))
    .order_by(_organism_phone.c.position)
)
# The organism's own sources (phone_key '') and those of its phones, in one query.
_ORGANISM_SOURCES = union_all(
    select(
        literal_column("''").label("phone_key"),
        _organism_source.c.position,
        _organism_source.c.source_key,
    ).where(_organism_source.c.organism_key == bindparam("key")),
    select(_phone_source.c.phone_key, _phone_source.c.position, _phone_source.c.source_key)
    .join(_organism_phone, _organism_phone.c.phone_key == _phone_source.c.phone_key)
    .where(_organism_phone.c.organism_key == bindparam("key")),
).order_by("phone_key", "position")

_PHONE_SOURCES = (
    select(_phone_source.c.phone_key, _phone_source.c.source_key)
    .where(_phone_source.c.phone_key.in_(bindparam("keys", expanding=True)))
    .order_by(_phone_source.c.phone_key, _phone_source.c.position)
)
_NATIONAL_PHONE = (
    select(*_phone.c)
    .join(_organism, _organism.c.key == _phone.c.owner_key)
    .where(_organism.c.kind == bindparam("kind"), _phone.c.from_abroad.is_(False))
    .order_by(_phone.c.position)
    .limit(1)
)
_ABROAD_PHONES = select(*_phone.c).where(_phone.c.from_abroad.is_(True)).order_by(_phone.c.position)

_DEPARTMENT = select(*_department.c).where(_department.c.code == bindparam("code"))

_dept = _department.alias("d")
_LOCAL_BODY = (
    select(
        *_organism.c,
        _local_body.c.note,
        _dept.c.code.label("department_code"),
        _dept.c.name.label("department_name"),
        _dept.c.article,
        _dept.c.preposition,
        _dept.c.is_metropolitan,
    )
    .select_from(_local_body)
    .join(_organism, _organism.c.key == _local_body.c.organism_key)
    .join(_dept, _dept.c.code == _local_body.c.department_code)
    .where(_local_body.c.department_code == bindparam("code"))
)

_STATUS_RULE = (
    select(*_status_rule.c, _status_rule_source.c.source_key)
    .outerjoin(_status_rule_source, _status_rule_source.c.status == _status_rule.c.status)
    .where(_status_rule.c.status == bindparam("status"))
    .order_by(_status_rule_source.c.position)
)

_communes = select(
    _commune.c.code, _commune.c.name, _commune.c.department_code, _commune.c.type_code
).where(_commune.c.folded_name == bindparam("name"))
_COMMUNES = _communes.order_by(_commune.c.code).limit(bindparam("limit"))
_COMMUNES_IN_DEPARTMENT = (
    _communes.where(_commune.c.department_code == bindparam("code"))
    .order_by(_commune.c.code)
    .limit(bindparam("limit"))
)


# -- helpers -----------------------------------------------------------------------------


def department_key(code: str) -> str:
    """Department code as stored: "2a" → "2A", "1" → "01", " 33 " → "33"."""
    key = code.strip().upper()
    return key.zfill(2) if key.isdigit() and len(key) == 1 else key


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _department_info(row: Any) -> DepartmentInfo:
    return DepartmentInfo(
        code=row.code,
        name=row.name,
        article=row.article,
        preposition=row.preposition,
        is_metropolitan=bool(row.is_metropolitan),
    )


def _phone_info(phone: Any, sources: Iterable[str]) -> PhoneInfo:
    return PhoneInfo(
        key=phone.key,
        number=phone.number,
        label=phone.label,
        from_abroad=bool(phone.from_abroad),
        price_note=phone.price_note,
        hours=phone.hours,
        hours_caution=phone.hours_caution,
        owner_key=phone.owner_key,
        sources=_unique(sources),
    )


def _phone_infos(session: Session, phones: list[Any]) -> tuple[PhoneInfo, ...]:
    """PhoneInfo for phone rows, with their sources (one query)."""
    if not phones:
        return ()
    sources: dict[str, list[str]] = {}
    rows = session.execute(_PHONE_SOURCES, {"keys": [phone.key for phone in phones]})
    for phone_key, source_key in rows:
        sources.setdefault(phone_key, []).append(source_key)
    return tuple(_phone_info(phone, sources.get(phone.key, ())) for phone in phones)


def _organism_info(session: Session, row: Any) -> OrganismInfo:
    """OrganismInfo for an organism row: its phones, then every source (two queries)."""
    phones = session.execute(_ORGANISM_PHONES, {"key": row.key}).all()
    sources: list[str] = []
    phone_sources: dict[str, list[str]] = {}
    for phone_key, _position, source_key in session.execute(_ORGANISM_SOURCES, {"key": row.key}):
        if phone_key:
            phone_sources.setdefault(phone_key, []).append(source_key)
        else:
            sources.append(source_key)
    return OrganismInfo(
        key=row.key,
        name=row.name,
        short_name=row.short_name,
        kind=row.kind,
        description=row.description,
        website=row.website,
        phones=tuple(_phone_info(phone, phone_sources.get(phone.key, ())) for phone in phones),
        sources=tuple(sources),
        checked_on=row.checked_on,
    )


# -- look-ups ----------------------------------------------------------------------------


def source(session: Session, key: str) -> SourceInfo | None:
    row = session.execute(_SOURCE, {"key": key}).first()
    if row is None:
        return None
    return SourceInfo(row.key, row.title, row.url, row.kind, row.checked_on)


def procedure(session: Session, procedure_id: str) -> ProcedureInfo | None:
    """A procedure by id ("lost_number_with_document"), with its steps, links and sources."""
    row = session.execute(_PROCEDURE, {"pid": procedure_id}).first()
    if row is None:
        return None
    found: dict[str, list[tuple[str, str | None]]] = {}
    for kind, _position, first, second in session.execute(_PROCEDURE_CHILDREN, {"pid": row.id}):
        found.setdefault(kind, []).append((first, second))
    return ProcedureInfo(
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
            _PROCEDURE_FOR_SITUATION, {"topic": topic, "situation": situation}
        ).scalar()
        if found is not None:
            return procedure(session, found)
    if status:
        found = session.execute(
            _PROCEDURE_FOR_TOPIC_AND_STATUS, {"topic": topic, "status": status}
        ).scalar()
    else:
        found = session.execute(_PROCEDURE_FOR_TOPIC, {"topic": topic}).scalar()
    return procedure(session, found) if found is not None else None


def organism(session: Session, key: str) -> OrganismInfo | None:
    """An organism by key ("msa", "cssm", "cpam_33"), with its phones."""
    row = session.execute(_ORGANISM, {"key": key}).first()
    return _organism_info(session, row) if row is not None else None


def department(session: Session, code: str) -> DepartmentInfo | None:
    """A department by code: "33", "2a", "1", "974"."""
    row = session.execute(_DEPARTMENT, {"code": department_key(code)}).first()
    return _department_info(row) if row is not None else None


def local_body(session: Session, department_code: str) -> LocalBodyInfo | None:
    """The CPAM, CGSS or CSSM of a department, with its phones; None for an unknown code."""
    row = session.execute(_LOCAL_BODY, {"code": department_key(department_code)}).first()
    if row is None:
        return None
    department_info = DepartmentInfo(
        code=row.department_code,
        name=row.department_name,
        article=row.article,
        preposition=row.preposition,
        is_metropolitan=bool(row.is_metropolitan),
    )
    return LocalBodyInfo(
        department=department_info, organism=_organism_info(session, row), note=row.note
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


def national_phone(session: Session) -> PhoneInfo | None:
    """The Assurance Maladie's number from France (3646), with its price and hours."""
    row = session.execute(_NATIONAL_PHONE, {"kind": NATIONAL_KIND}).first()
    return _phone_infos(session, [row])[0] if row is not None else None


def contact_from_abroad(session: Session) -> tuple[PhoneInfo, ...]:
    """Numbers to call from abroad: the Assurance Maladie's first, then Mayotte's CSSM."""
    return _phone_infos(session, list(session.execute(_ABROAD_PHONES).all()))


def organism_for_status(
    session: Session, status: str, department_code: str | None = None
) -> StatusInfo | None:
    """Which body handles a status (statuses.yml).

    For a national scheme (MSA, CNMSS, ENIM) the organism is always given; for "local"
    (the caisse of residence) it is given when ``department_code`` is.
    """
    rows = session.execute(_STATUS_RULE, {"status": status}).all()
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
        national = session.execute(_ORGANISM_BY_KIND, {"kind": rule.organism_kind}).first()
        body = _organism_info(session, national) if national is not None else None
    return StatusInfo(
        status=rule.status,
        organism_kind=rule.organism_kind,
        explanation=rule.explanation,
        procedure_id=rule.procedure_id,
        organism=body,
        note=note,
        sources=_unique(r.source_key for r in rows if r.source_key is not None),
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
    if department_code:
        parameters = {"name": key, "code": department_key(department_code), "limit": limit}
        rows = session.execute(_COMMUNES_IN_DEPARTMENT, parameters)
    else:
        rows = session.execute(_COMMUNES, {"name": key, "limit": limit})
    return tuple(CommuneInfo(*row) for row in rows)
