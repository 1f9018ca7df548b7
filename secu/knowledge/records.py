"""The rows the loader writes (:class:`Content`), and the tables everything points at:
the sources (sources.yml) and the departments (the geography's departments.csv)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from secu.geo.geography import Department
from secu.knowledge import models
from secu.knowledge.checks import Checker
from secu.language import OTHER_LANGUAGES


@dataclass
class Content:
    """The rows to insert, by table name, and the counts reported after a load."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    generated_organisms: int = 0

    def add(self, model: type, **values: Any) -> None:
        self.rows.setdefault(model.__tablename__, []).append(values)

    def count(self, model: type) -> int:
        return len(self.rows.get(model.__tablename__, ()))

    def keys(self, model: type) -> list[Any]:
        """The ``key`` of every row of ``model`` added so far, in order."""
        return [row["key"] for row in self.rows.get(model.__tablename__, ())]

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
        }


def read_sources(content: Content, raw: Mapping[str, Any], check: Checker) -> None:
    """The sources of sources.yml (``raw``: its ``sources`` mapping)."""
    for key, source in raw.items():
        where = f"sources.yml {key}"
        content.add(
            models.Source,
            key=key,
            title=check.text(where, source, "title"),
            url=check.https(where, source.get("url")),
            kind=check.text(where, source, "kind"),
            checked_on=check.date(where, source.get("checked_on")),
        )


def read_departments(content: Content, departments: Iterable[Department]) -> dict[str, Department]:
    """The departments of the geography; returns them by code."""
    found = {department.code: department for department in departments}
    for department in found.values():
        content.add(
            models.Department,
            code=department.code,
            name=department.name,
            article=department.article,
            preposition=department.preposition,
            is_metropolitan=department.is_metropolitan,
        )
    return found


def add_translations(
    content: Content,
    kind: str,
    key: str,
    language: str,
    texts: list[tuple[str, int, Any]],
    where: str,
    check: Checker,
) -> None:
    """Translation rows for ``(field, position, text)``; a missing text (None) is skipped,
    anything else that is not a text is an error of the content."""
    for name, position, text in texts:
        if text is None:
            continue
        if not isinstance(text, str) or not text.strip():
            check.error(where, f"'{name}' in {language} must be a text")
            continue
        content.add(
            models.Translation,
            record_kind=kind,
            record_key=key,
            field=name,
            position=position,
            language=language,
            text=text.strip(),
        )


def read_field_translations(
    content: Content,
    kind: str,
    key: str,
    record: Mapping[str, Any],
    fields: tuple[str, ...],
    where: str,
    check: Checker,
) -> None:
    """The ``<field>_<language>`` texts of a record's single fields as translation rows."""
    for language in OTHER_LANGUAGES:
        texts = [(name, 0, record.get(f"{name}_{language}")) for name in fields]
        add_translations(content, kind, key, language, texts, where, check)
