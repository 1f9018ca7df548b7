"""Reads the procedures, and the topic of each situation (data/knowledge/procedures/,
situations/)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from secu.knowledge import models
from secu.knowledge.checks import SNAKE_CASE, Checker, is_official_url
from secu.knowledge.records import Content, add_translations
from secu.language import OTHER_LANGUAGES


def read_situations(raw: Mapping[str, Any], check: Checker) -> dict[str, str]:
    """{situation: topic} from the situations (the dialogue side reads the rest)."""
    found: dict[str, str] = {}
    for name, entry in raw.items():
        where = f"situations.yml {name}"
        if not SNAKE_CASE.match(str(name)):
            check.error(where, "a situation must be snake_case")
        found[str(name)] = check.text(where, entry if isinstance(entry, dict) else {}, "topic")
    return found


def read_procedures(
    content: Content, records: list[Any], situations: Mapping[str, str], check: Checker
) -> set[str]:
    """Adds every procedure with its lists; returns the ids."""
    seen: set[str] = set()
    defaults: dict[str, str] = {}  # {topic: its default procedure}
    for position, record in enumerate(records):
        pid = str(record.get("id", ""))
        where = f"procedures.yml {pid or position}"
        check.snake_case(where, "id", pid)
        if pid in seen:
            check.error(where, "duplicate id")
        seen.add(pid)
        topic = check.text(where, record, "topic")
        is_default = _is_default(record, topic, pid, defaults, where, check)
        cost, cost_sources = sourced_fact(where, record, "cost", check)
        obligation, obligation_sources = sourced_fact(where, record, "obligation", check)
        content.add(
            models.Procedure,
            id=pid,
            position=position,
            topic=topic,
            is_default=is_default,
            title=check.text(where, record, "title"),
            audience=check.text(where, record, "audience"),
            summary=check.text(where, record, "summary"),
            delays=check.optional_text(where, record, "delays"),
            cost=cost,
            obligation=obligation,
            checked_on=check.date(where, record.get("checked_on")),
        )
        _add_texts(content, pid, record, [*cost_sources, *obligation_sources], where, check)
        _add_choices(content, pid, topic, record, situations, where, check)
        read_translations(content, "procedure", pid, record, where, check)
    return seen


SOURCED_FACT_KEYS = {"text", "sources", *(f"text_{language}" for language in OTHER_LANGUAGES)}
SINGLE_FIELDS = ("title", "audience", "summary", "delays")
LIST_FIELDS = {"step": "steps", "document": "documents"}


def read_translations(
    content: Content, kind: str, key: str, record: Mapping[str, Any], where: str, check: Checker
) -> None:
    """The record's texts in the other languages (``<field>_en``; lists item for item,
    link titles, the text of its sourced facts) as translation rows."""
    for language in OTHER_LANGUAGES:
        texts: list[tuple[str, int, Any]] = [
            (name, 0, record.get(f"{name}_{language}")) for name in SINGLE_FIELDS
        ]
        texts += [
            (name, 0, fact.get(f"text_{language}"))
            for name in ("cost", "obligation")
            if isinstance(fact := record.get(name), dict)
        ]
        for field, name in LIST_FIELDS.items():
            translated = record.get(f"{name}_{language}")
            if translated is None:
                continue
            if not isinstance(translated, list) or len(translated) != len(record.get(name) or []):
                check.error(where, f"'{name}_{language}' must have one item per item of '{name}'")
                continue
            texts += [(field, index, item) for index, item in enumerate(translated)]
        links = record.get("links") or []
        texts += [
            ("link", index, link.get(f"title_{language}"))
            for index, link in enumerate(links)
            if isinstance(link, dict)
        ]
        add_translations(content, kind, key, language, texts, where, check)


def _is_default(
    record: Mapping[str, Any],
    topic: str,
    pid: str,
    defaults: dict[str, str],
    where: str,
    check: Checker,
) -> bool:
    """The record's ``default``; a topic has one default at most."""
    is_default = record.get("default", False)
    if not isinstance(is_default, bool):
        check.error(where, "'default' must be true or false")
    elif is_default and topic in defaults:
        check.error(where, f"topic '{topic}' already has a default ({defaults[topic]})")
    elif is_default:
        defaults[topic] = pid
    return bool(is_default)


def sourced_fact(
    where: str, record: Mapping[str, Any], name: str, check: Checker
) -> tuple[str | None, list[str]]:
    """An optional fact with its own sources (``cost``, ``obligation``):
    ``{text: …, sources: [keys]}``; (None, []) when the record does not say."""
    raw = record.get(name)
    if raw is None:
        return None, []
    if not isinstance(raw, dict) or not {"text", "sources"} <= set(raw) <= SOURCED_FACT_KEYS:
        check.error(where, f"'{name}' must be {{text: …, text_en: …, sources: […]}}")
        return None, []
    return check.text(where, raw, "text"), check.sources(f"{where} {name}", raw)


def _add_texts(
    content: Content,
    pid: str,
    record: Mapping[str, Any],
    more_sources: list[str],
    where: str,
    check: Checker,
) -> None:
    """Steps, documents, links and sources (the record's, then those of its sourced
    facts), in the order of the file."""
    for index, step in enumerate(check.texts(where, record, "steps", empty=False)):
        content.add(models.ProcedureStep, procedure_id=pid, position=index, text=step)
    for index, doc in enumerate(check.texts(where, record, "documents", empty=True)):
        content.add(models.ProcedureDocument, procedure_id=pid, position=index, text=doc)
    for index, link in enumerate(check.items(where, record, "links", "")):
        if not isinstance(link, dict):
            check.error(where, f"a link must be a mapping: {link!r}")
            continue
        url = check.https(where, link.get("url"))
        if url and not is_official_url(url):
            check.error(where, f"link outside the official sites: {url}")
        title = check.text(where, link, "title")
        content.add(models.ProcedureLink, procedure_id=pid, position=index, title=title, url=url)
    keys = dict.fromkeys([*check.sources(where, record), *more_sources])
    for index, key in enumerate(keys):
        content.add(models.ProcedureSource, procedure_id=pid, position=index, source_key=key)


def _add_choices(
    content: Content,
    pid: str,
    topic: str,
    record: Mapping[str, Any],
    situations: Mapping[str, str],
    where: str,
    check: Checker,
) -> None:
    """The statuses and the situations (of the same topic) that pick the procedure."""
    for status in check.optional_texts(where, record, "statuses"):
        content.add(models.ProcedureStatus, procedure_id=pid, status=status)
    for situation in check.optional_texts(where, record, "situations"):
        if situations.get(situation) != topic:
            check.error(where, f"situation '{situation}' is not one of topic '{topic}'")
        content.add(models.ProcedureSituation, procedure_id=pid, situation=situation)
