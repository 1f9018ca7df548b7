"""Reads the bodies: organisms.yml (national bodies and their phones), local_bodies.yml
(the caisse of each department, generated from rules) and statuses.yml (which body
handles a status)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from secu.geo.geography import Department
from secu.knowledge import models
from secu.knowledge.checks import Checker, expand_codes, read_file
from secu.knowledge.models import LOCAL
from secu.knowledge.records import Content, add_translations, read_field_translations
from secu.language import OTHER_LANGUAGES

LOCAL_BODIES = "local_bodies.yml"
_PATTERNS = ("key", "name", "description")  # the texts of a rule filled per department
PHONE_TEXTS = ("label", "price_note", "hours", "hours_caution")


def read_organisms(content: Content, path: Path, check: Checker) -> dict[str, str]:
    """Adds the national organisms and their phones; returns {key: kind}."""
    records = read_file(path).get("organisms") or []
    organisms: dict[str, str] = {}
    for position, record in enumerate(records):
        key = str(record.get("key", ""))
        where = f"organisms.yml {key or position}"
        check.snake_case(where, "key", key)
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
        read_field_translations(content, "organism", key, record, ("description",), where, check)
        _read_phones(content, key, record, where, check)
    phone_keys = content.keys(models.Phone)
    if len(phone_keys) != len(set(phone_keys)):
        check.error("organisms.yml", "two phones share a key")
    return organisms


def _read_phones(
    content: Content, owner: str, record: Mapping[str, Any], where: str, check: Checker
) -> None:
    """The phones an organism declares (numbered across every organism)."""
    for index, phone in enumerate(check.items(where, record, "phones", " (empty when none)")):
        phone_key = str(phone.get("key", ""))
        at = f"{where} phone {phone_key or index}"
        check.snake_case(at, "key", phone_key)
        if not isinstance(phone.get("from_abroad"), bool):
            check.error(at, "'from_abroad' must be true or false")
        content.add(
            models.Phone,
            key=phone_key,
            position=content.count(models.Phone),
            owner_key=owner,
            number=check.text(at, phone, "number"),
            label=check.text(at, phone, "label"),
            from_abroad=bool(phone.get("from_abroad")),
            price_note=check.optional_text(at, phone, "price_note"),
            hours=check.optional_text(at, phone, "hours"),
            hours_caution=check.optional_text(at, phone, "hours_caution"),
        )
        read_field_translations(content, "phone", phone_key, phone, PHONE_TEXTS, at, check)
        for rank, source in enumerate(check.sources(at, phone)):
            content.add(models.PhoneSource, phone_key=phone_key, position=rank, source_key=source)
        content.add(models.OrganismPhone, organism_key=owner, position=index, phone_key=phone_key)


def read_local_bodies(
    content: Content,
    path: Path,
    departments: Mapping[str, Department],
    organisms: Mapping[str, str],
    check: Checker,
) -> None:
    """The caisse of each department: an organism of organisms.yml, or one generated per
    department from a rule's patterns (the CPAMs, the CGSSs)."""
    _LocalBodies(content, read_file(path), departments, organisms, check).read()


class _LocalBodies:
    """Reads the rules of local_bodies.yml, in order."""

    def __init__(
        self,
        content: Content,
        raw: Mapping[str, Any],
        departments: Mapping[str, Department],
        organisms: Mapping[str, str],
        check: Checker,
    ) -> None:
        self.content = content
        self.raw = raw
        self.departments = departments
        self.organisms = organisms
        self.check = check
        self.checked_on: dt.date = check.date(LOCAL_BODIES, raw.get("checked_on"))
        self.phone_keys = set(content.keys(models.Phone))
        self.notes: Mapping[str, Any] = raw.get("notes") or {}
        self.translated_notes = {
            language: raw.get(f"notes_{language}") or {} for language in OTHER_LANGUAGES
        }
        self.covered: dict[str, int] = {}  # {department: the rule (from 1) giving its body}
        self.position = len(organisms)

    def read(self) -> None:
        for index, rule in enumerate(self.raw.get("rules") or []):
            where = f"{LOCAL_BODIES} rule {index + 1} ({rule.get('kind')})"
            codes = list(expand_codes(rule.get("departments") or []))
            self._cover(codes, index + 1, where)
            existing = rule.get("organism")
            if existing is not None:
                self._existing(existing, codes, where)
            elif not self._generated(rule, codes, where):
                return  # a bad pattern: the bodies that would follow mean nothing
        self._check_every_department()

    def _cover(self, codes: list[str], number: int, where: str) -> None:
        if not codes:
            self.check.error(where, "'departments' is empty")
        for code in codes:
            if code not in self.departments:
                self.check.error(where, f"unknown department {code}")
            elif code in self.covered:
                message = f"department {code} already has a body (rule {self.covered[code]})"
                self.check.error(where, message)
            self.covered.setdefault(code, number)

    def _existing(self, organism: str, codes: list[str], where: str) -> None:
        if organism not in self.organisms:
            self.check.error(where, f"unknown organism '{organism}'")
        for code in codes:
            self._add_body(code, organism)

    def _generated(self, rule: Mapping[str, Any], codes: list[str], where: str) -> bool:
        """Adds an organism per department of the rule; False on a bad pattern."""
        check = self.check
        kind = check.text(where, rule, "kind")
        sources = check.sources(where, rule)
        phones = check.texts(where, rule, "phones", empty=True)
        for phone in phones:
            if phone not in self.phone_keys:
                check.error(where, f"unknown phone '{phone}'")
        patterns = {name: check.text(where, rule, name) for name in _PATTERNS}
        common = {
            "short_name": check.text(where, rule, "short_name"),
            "kind": kind,
            "website": check.https(where, rule.get("website")),
            "checked_on": self.checked_on,
        }
        for code in codes:
            department = self.departments.get(code)
            if department is None:
                continue
            values = {"code": code, "of_department": department.with_preposition}
            try:
                key, name, description = (patterns[n].format(**values) for n in _PATTERNS)
            except (KeyError, IndexError) as error:
                check.error(where, f"bad pattern placeholder {error}")
                return False
            key = key.lower()
            self._add_organism(key, name, description, common, sources, phones)
            self._translate_description(rule, key, values, where)
            self._add_body(code, key)
        return True

    def _translate_description(
        self, rule: Mapping[str, Any], key: str, values: Mapping[str, str], where: str
    ) -> None:
        for language in OTHER_LANGUAGES:
            pattern = rule.get(f"description_{language}")
            if pattern is None:
                continue
            try:
                text = pattern.format(**values) if isinstance(pattern, str) else pattern
            except (KeyError, IndexError) as error:
                self.check.error(where, f"bad pattern placeholder {error} in {language}")
                continue
            texts = [("description", 0, text)]
            add_translations(self.content, "organism", key, language, texts, where, self.check)

    def _add_organism(
        self,
        key: str,
        name: str,
        description: str,
        common: Mapping[str, Any],
        sources: list[str],
        phones: list[str],
    ) -> None:
        content = self.content
        content.add(
            models.Organism,
            key=key,
            position=self.position,
            name=name,
            description=description,
            **common,
        )
        content.generated_organisms += 1
        self.position += 1
        for rank, source in enumerate(sources):
            content.add(models.OrganismSource, organism_key=key, position=rank, source_key=source)
        for rank, phone in enumerate(phones):
            content.add(models.OrganismPhone, organism_key=key, position=rank, phone_key=phone)

    def _add_body(self, code: str, organism: str) -> None:
        self.content.add(
            models.LocalBody,
            department_code=code,
            organism_key=organism,
            note=self.notes.get(code),
        )

    def _check_every_department(self) -> None:
        for code in self.departments:
            if code not in self.covered:
                self.check.error(LOCAL_BODIES, f"department {code} has no local body")
        for code, note in self.notes.items():
            if code not in self.departments:
                self.check.error(LOCAL_BODIES, f"note for an unknown department {code}")
            elif not isinstance(note, str) or not note.strip():
                self.check.error(LOCAL_BODIES, f"the note of {code} must be a text")
        for language, notes in self.translated_notes.items():
            if set(notes) != set(self.notes):
                message = f"'notes_{language}' must have the departments of 'notes'"
                self.check.error(LOCAL_BODIES, message)
            for code, note in notes.items():
                texts = [("note", 0, note)]
                add_translations(
                    self.content, "local_note", str(code), language, texts, LOCAL_BODIES, self.check
                )


def read_statuses(
    content: Content,
    path: Path,
    procedure_ids: set[str],
    organisms: Mapping[str, str],
    check: Checker,
) -> None:
    """Which body handles each status: ``local`` or a kind of organisms.yml."""
    raw = read_file(path)
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
        read_field_translations(content, "status", status, rule, ("explanation",), where, check)
        for index, source in enumerate(check.sources(where, rule)):
            content.add(models.StatusRuleSource, status=status, position=index, source_key=source)
