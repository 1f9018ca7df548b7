"""The SQL of the knowledge base's look-ups (:mod:`secu.knowledge.queries`).

Built once at import with bound parameters (SQLAlchemy then reuses their cache keys and
compiled forms); column-level selects, so no ORM object is built; a look-up costs 1 to 4
queries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, literal_column, null, select, union_all

from secu.knowledge import models

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
_status_rule = models.StatusRule.__table__
_status_rule_source = models.StatusRuleSource.__table__


def _tag(name: str) -> Any:
    return literal_column(f"'{name}'").label("kind")


PROCEDURE = select(*_procedure.c).where(_procedure.c.id == bindparam("pid"))

# A record's texts in another language (models.Translation).
_translation = models.Translation.__table__
TRANSLATIONS = select(_translation.c.field, _translation.c.position, _translation.c.text).where(
    _translation.c.record_kind == bindparam("kind"),
    _translation.c.record_key == bindparam("key"),
    _translation.c.language == bindparam("language"),
)

# Steps, documents, links, sources and statuses of a procedure in one query.
PROCEDURE_CHILDREN = union_all(
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
PROCEDURE_FOR_SITUATION = (
    select(_procedure.c.id)
    .join(_procedure_situation, _procedure_situation.c.procedure_id == _procedure.c.id)
    .where(
        _procedure.c.topic == bindparam("topic"),
        _procedure_situation.c.situation == bindparam("situation"),
    )
    .order_by(_procedure.c.position)
    .limit(1)
)
PROCEDURE_FOR_TOPIC = _TOPIC_DEFAULT.order_by(_procedure.c.position).limit(1)
PROCEDURE_FOR_TOPIC_AND_STATUS = (
    union_all(_TOPIC_STATUS, _TOPIC_STATUS_RULE, _TOPIC_DEFAULT)
    .order_by("rank", "position")
    .limit(1)
)

ORGANISM_BY_KIND = (
    select(*_organism.c)
    .where(_organism.c.kind == bindparam("kind"))
    .order_by(_organism.c.position)
    .limit(1)
)
ORGANISM_PHONES = (
    select(*_phone.c)
    .join(_organism_phone, _organism_phone.c.phone_key == _phone.c.key)
    .where(_organism_phone.c.organism_key == bindparam("key"))
    .order_by(_organism_phone.c.position)
)
# The organism's own sources (phone_key '') and those of its phones, in one query.
ORGANISM_SOURCES = union_all(
    select(
        literal_column("''").label("phone_key"),
        _organism_source.c.position,
        _organism_source.c.source_key,
    ).where(_organism_source.c.organism_key == bindparam("key")),
    select(_phone_source.c.phone_key, _phone_source.c.position, _phone_source.c.source_key)
    .join(_organism_phone, _organism_phone.c.phone_key == _phone_source.c.phone_key)
    .where(_organism_phone.c.organism_key == bindparam("key")),
).order_by("phone_key", "position")

_dept = _department.alias("d")
LOCAL_BODY = (
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

STATUS_RULE = (
    select(*_status_rule.c, _status_rule_source.c.source_key)
    .outerjoin(_status_rule_source, _status_rule_source.c.status == _status_rule.c.status)
    .where(_status_rule.c.status == bindparam("status"))
    .order_by(_status_rule_source.c.position)
)
