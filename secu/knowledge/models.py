"""Tables of the knowledge base (SQLAlchemy 1.4, declarative, 2.0-style usage).

Every table name starts with ``kb_`` so the knowledge base can share a PostgreSQL
database with other stores. The rows are rebuilt as a whole by
:mod:`secu.knowledge.loader`; nothing else writes to them. Ordered lists (steps,
documents, links, sources, phones) are child tables with a ``position`` column, and
every look-up of :mod:`secu.knowledge.queries` is served by a primary key or an index.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base

# Deterministic constraint and index names (PostgreSQL needs them unique per schema).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))

KEY = String(64)
DEPARTMENT_CODE = String(3)


def _source_key() -> Column:
    return Column(KEY, ForeignKey("kb_source.key"), nullable=False, index=True)


class Meta(Base):
    """Build information: ``content_hash``, ``built_at``, ``counts`` (JSON)."""

    __tablename__ = "kb_meta"

    key = Column(KEY, primary_key=True)
    value = Column(Text, nullable=False)


class Source(Base):
    __tablename__ = "kb_source"

    key = Column(KEY, primary_key=True)
    title = Column(Text, nullable=False)
    url = Column(Text, nullable=False)
    kind = Column(String(16), nullable=False)
    checked_on = Column(Date, nullable=False)


# -- procedures ------------------------------------------------------------------------


class Procedure(Base):
    __tablename__ = "kb_procedure"

    id = Column(KEY, primary_key=True)
    position = Column(Integer, nullable=False)
    topic = Column(KEY, nullable=False, index=True)
    is_default = Column(Boolean, nullable=False, default=False)
    title = Column(Text, nullable=False)
    audience = Column(Text, nullable=False)
    summary = Column(Text, nullable=False)
    delays = Column(Text, nullable=True)
    cost = Column(Text, nullable=True)  # what it costs, when a source says (optional field)
    obligation = Column(Text, nullable=True)  # whether it is compulsory, when a source says
    checked_on = Column(Date, nullable=False)


class Translation(Base):
    """A text of a record in another language than French (issue #15): the record's
    ``<field>_en`` in the content files. ``position`` orders the items of a list field
    (steps, documents, link titles); 0 for a single field."""

    __tablename__ = "kb_translation"
    record_kind = Column(String(16), primary_key=True)  # "procedure"
    record_key = Column(KEY, primary_key=True)
    field = Column(String(16), primary_key=True)  # title, summary, step, link…
    position = Column(Integer, primary_key=True)
    language = Column(String(8), primary_key=True)
    text = Column(Text, nullable=False)


class ProcedureStep(Base):
    __tablename__ = "kb_procedure_step"

    procedure_id = Column(KEY, ForeignKey("kb_procedure.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)


class ProcedureDocument(Base):
    __tablename__ = "kb_procedure_document"

    procedure_id = Column(KEY, ForeignKey("kb_procedure.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)


class ProcedureLink(Base):
    __tablename__ = "kb_procedure_link"

    procedure_id = Column(KEY, ForeignKey("kb_procedure.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    title = Column(Text, nullable=False)
    url = Column(Text, nullable=False)


class ProcedureSource(Base):
    __tablename__ = "kb_procedure_source"

    procedure_id = Column(KEY, ForeignKey("kb_procedure.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    source_key = _source_key()


class ProcedureStatus(Base):
    """The statuses a procedure is meant for within its topic (``procedure_for``)."""

    __tablename__ = "kb_procedure_status"

    procedure_id = Column(KEY, ForeignKey("kb_procedure.id"), primary_key=True)
    status = Column(String(32), primary_key=True, index=True)


class ProcedureSituation(Base):
    """The situations (situations.yml) that pick a procedure within its topic."""

    __tablename__ = "kb_procedure_situation"

    procedure_id = Column(KEY, ForeignKey("kb_procedure.id"), primary_key=True)
    situation = Column(String(32), primary_key=True, index=True)


# -- organisms and phones --------------------------------------------------------------


class Organism(Base):
    """A national body of organisms.yml, or a local body generated per department."""

    __tablename__ = "kb_organism"

    key = Column(KEY, primary_key=True)
    position = Column(Integer, nullable=False)
    name = Column(Text, nullable=False)
    short_name = Column(KEY, nullable=False)
    kind = Column(String(32), nullable=False, index=True)
    description = Column(Text, nullable=False)
    website = Column(Text, nullable=False)
    checked_on = Column(Date, nullable=False)


class OrganismSource(Base):
    __tablename__ = "kb_organism_source"

    organism_key = Column(KEY, ForeignKey("kb_organism.key"), primary_key=True)
    position = Column(Integer, primary_key=True)
    source_key = _source_key()


class Phone(Base):
    """A phone number, declared once by its ``owner`` and listed by any organism."""

    __tablename__ = "kb_phone"

    key = Column(KEY, primary_key=True)
    position = Column(Integer, nullable=False)
    owner_key = Column(KEY, ForeignKey("kb_organism.key"), nullable=False, index=True)
    number = Column(String(32), nullable=False)
    label = Column(Text, nullable=False)
    from_abroad = Column(Boolean, nullable=False, index=True)
    price_note = Column(Text, nullable=True)
    hours = Column(Text, nullable=True)
    hours_caution = Column(Text, nullable=True)


class PhoneSource(Base):
    __tablename__ = "kb_phone_source"

    phone_key = Column(KEY, ForeignKey("kb_phone.key"), primary_key=True)
    position = Column(Integer, primary_key=True)
    source_key = _source_key()


class OrganismPhone(Base):
    """The phones an organism is reached on, in order (the CPAMs list the national ones)."""

    __tablename__ = "kb_organism_phone"

    organism_key = Column(KEY, ForeignKey("kb_organism.key"), primary_key=True)
    position = Column(Integer, primary_key=True)
    phone_key = Column(KEY, ForeignKey("kb_phone.key"), nullable=False, index=True)


# -- departments and local bodies ------------------------------------------------------


class Department(Base):
    """A department of data/geo/departments.csv (the communes stay in the in-memory
    geography, :mod:`secu.geo.geography`)."""

    __tablename__ = "kb_department"

    code = Column(DEPARTMENT_CODE, primary_key=True)
    name = Column(Text, nullable=False)
    article = Column(String(8), nullable=False)
    preposition = Column(String(8), nullable=False)
    is_metropolitan = Column(Boolean, nullable=False)


class LocalBody(Base):
    """The caisse of a department's residents: CPAM, CGSS (971-974) or CSSM (976)."""

    __tablename__ = "kb_local_body"

    department_code = Column(DEPARTMENT_CODE, ForeignKey("kb_department.code"), primary_key=True)
    organism_key = Column(KEY, ForeignKey("kb_organism.key"), nullable=False, index=True)
    note = Column(Text, nullable=True)


# -- statuses --------------------------------------------------------------------------


class StatusRule(Base):
    """Which body handles a status: ``local`` (caisse of residence) or an organism kind."""

    __tablename__ = "kb_status_rule"

    status = Column(String(32), primary_key=True)
    position = Column(Integer, nullable=False)
    organism_kind = Column(String(32), nullable=False, index=True)
    procedure_id = Column(KEY, ForeignKey("kb_procedure.id"), nullable=False, index=True)
    explanation = Column(Text, nullable=False)
    checked_on = Column(Date, nullable=False)


class StatusRuleSource(Base):
    __tablename__ = "kb_status_rule_source"

    status = Column(String(32), ForeignKey("kb_status_rule.status"), primary_key=True)
    position = Column(Integer, primary_key=True)
    source_key = _source_key()


LOCAL = "local"  # StatusRule.organism_kind for "the caisse of the place of residence"


# -- the content search ------------------------------------------------------------------


class SearchRecord(Base):
    """A record the assistant can offer when it is unsure of a message: the button that
    leads to its answer, and its searchable terms (secu.knowledge.search builds the
    database's full-text index over ``head`` and ``body`` and queries it)."""

    __tablename__ = "kb_search"

    id = Column(Integer, primary_key=True, autoincrement=False)  # the full-text row id
    key = Column(String(96), nullable=False, unique=True)  # "procedure:<id>", "term:<key>"…
    kind = Column(String(16), nullable=False)  # procedure, term, organism, local_body
    topic = Column(KEY, nullable=False, index=True)  # the intent its button sends
    title = Column(Text, nullable=False)  # what its button shows (answers: search_button_*)
    payload = Column(Text, nullable=False, unique=True)  # what its button sends
    head = Column(Text, nullable=False)  # terms of its title, names and questions
    body = Column(Text, nullable=False)  # terms of the rest of its text
