"""The searchable records (``kb_search``): every procedure, glossary term, national body
and local caisse, with the button that leads to its answer and its searchable terms.

What leads to a record's answer is a payload of an existing intent, so that a click needs
no dialogue of its own (the two-stage fallback replays the payload as the user's message):

- a procedure: its topic with its first situation, else its first status (its own, or the
  status whose body it describes, statuses.yml), else the topic alone when it is the
  topic's default; ``action_lookup_procedure`` (``action_lookup_organism`` for the topic
  ``organism``) then shows that very procedure;
- a glossary term: ``/define_term{"term": key}``, the definition ``action_define_term``
  gives;
- a national body: its department's contact (the CSSM), the status it serves (the MSA:
  the same answer as the farmers' procedure), its term (the CFE, the CLEISS), else the
  general contact (``/contact``);
- a local caisse: ``/contact{"department": code}``, the contact answer for the department;
- an intent answered without a record (search.yml ``topics``: the number's meaning, the
  contact, calling from abroad…): the intent itself, titled by its label.

Records that lead to the same payload are one record (the MSA's name and description are
searched with the farmers' procedure). Searchable text: the head (title, names,
``questions:``, weighted more) and the body (audience, summary, steps, the keywords of
its situations, the topic's label; a definition; a description). A local caisse is found
by its department's name only: "caisse" or "CPAM" alone would name a hundred of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from secu.content import payload
from secu.knowledge import models
from secu.knowledge.checks import Checker
from secu.knowledge.records import Content, add_translations
from secu.knowledge.words import Analyzer
from secu.language import OTHER_LANGUAGES

DEFINE_TERM = "define_term"  # the glossary's intent (docs/nlu-intents.md)
CONTACT = "contact"
ORGANISM = "organism"


@dataclass
class Draft:
    """A record being put together: its button, and its texts before analysis."""

    key: str
    kind: str
    topic: str
    title: str
    payload: str
    head: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # {other language: its title}


@dataclass(frozen=True)
class Sources:
    """The raw content the records are read from (the files as the loader read them)."""

    procedures: list[Any]
    situations: Mapping[str, Any]
    glossary: Mapping[str, Any]
    labels: Mapping[str, str]
    topics: Mapping[str, Any]  # search.yml: {intent: the words people use for it}
    other_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # {language: …}


def _titles(entry: Mapping[str, Any]) -> dict[str, str]:
    """A record's title in the other languages (``title_en``…), where it has one."""
    return {
        language: str(entry[f"title_{language}"])
        for language in OTHER_LANGUAGES
        if entry.get(f"title_{language}")
    }


def _words(keywords: Iterable[Any]) -> list[str]:
    """Situation keywords and term names as plain words ("tradu*" → "tradu")."""
    return [str(k).replace("*", "") for k in keywords]


def _status_procedures(content: Content) -> dict[str, str]:
    """{procedure id: the first status whose body it describes} (statuses.yml)."""
    found: dict[str, str] = {}
    for rule in content.rows.get(models.StatusRule.__tablename__, ()):
        found.setdefault(rule["procedure_id"], rule["status"])
    return found


def _procedure_payload(record: Mapping[str, Any], by_status: Mapping[str, str]) -> str | None:
    topic = str(record.get("topic"))
    if record.get("situations"):
        return payload(topic, situation=record["situations"][0])
    if record.get("statuses"):
        return payload(topic, status=record["statuses"][0])
    if str(record.get("id")) in by_status:
        return payload(topic, status=by_status[str(record.get("id"))])
    return payload(topic) if record.get("default") is True else None


def procedures(sources: Sources, content: Content, check: Checker) -> Iterator[Draft]:
    by_status = _status_procedures(content)
    for record in sources.procedures:
        pid, topic = str(record.get("id")), str(record.get("topic"))
        where = f"procedures.yml {pid}"
        questions = check.optional_texts(where, record, "questions")
        leads_to = _procedure_payload(record, by_status)
        if leads_to is None:  # no situation, status or default leads to it: not offered
            continue
        keywords = [
            word
            for name in record.get("situations") or ()
            for word in _words((sources.situations.get(name) or {}).get("keywords") or ())
        ]
        texts = [str(record.get(name) or "") for name in ("audience", "summary")]
        yield Draft(
            f"procedure:{pid}",
            "procedure",
            topic,
            str(record.get("title")),
            leads_to,
            [str(record.get("title")), *questions],
            [
                *texts,
                *map(str, record.get("steps") or ()),
                *keywords,
                sources.labels.get(topic, ""),
            ],
            _titles(record),
        )


def terms(sources: Sources, check: Checker) -> Iterator[Draft]:
    for key, term in sources.glossary.items():
        where = f"glossary.yml {key}"
        if not isinstance(term, Mapping):
            check.error(where, "a term must be a mapping")
            continue
        names = _words(term.get("names") or ())
        yield Draft(
            f"term:{key}",
            "term",
            DEFINE_TERM,
            str(term.get("title")),
            payload(DEFINE_TERM, term=str(key)),
            [str(term.get("title")), *names, *check.optional_texts(where, term, "questions")],
            [str(term.get("definition") or "")],
            _titles(term),
        )


def organisms(content: Content, national: Mapping[str, str], glossary: Mapping) -> Iterator[Draft]:
    """The national bodies of organisms.yml (``national``: {key: kind})."""
    departments = {
        row["organism_key"]: row["department_code"]
        for row in content.rows.get(models.LocalBody.__tablename__, ())
    }
    statuses: dict[str, str] = {}
    for rule in content.rows.get(models.StatusRule.__tablename__, ()):
        statuses.setdefault(rule["organism_kind"], rule["status"])
    for row in content.rows.get(models.Organism.__tablename__, ()):
        key = row["key"]
        if key not in national:
            continue
        if key in departments:
            topic, leads_to = CONTACT, payload(CONTACT, department=departments[key])
        elif row["kind"] in statuses:
            topic, leads_to = ORGANISM, payload(ORGANISM, status=statuses[row["kind"]])
        elif key in glossary:
            topic, leads_to = DEFINE_TERM, payload(DEFINE_TERM, term=key)
        else:
            topic, leads_to = CONTACT, payload(CONTACT)
        head = [row["name"], row["short_name"]]
        yield Draft(
            f"organism:{key}", "organism", topic, row["name"], leads_to, head, [row["description"]]
        )


def local_bodies(content: Content, national: Mapping[str, str]) -> Iterator[Draft]:
    """The generated caisses (CPAM, CGSS, CCSS), by their department's name."""
    names = {row["key"]: row["name"] for row in content.rows.get(models.Organism.__tablename__, ())}
    departments = {
        row["code"]: row["name"] for row in content.rows.get(models.Department.__tablename__, ())
    }
    for row in content.rows.get(models.LocalBody.__tablename__, ()):
        code, key = row["department_code"], row["organism_key"]
        if key in national:
            continue
        leads_to = payload(CONTACT, department=code)
        yield Draft(
            f"local_body:{code}", "local_body", CONTACT, names[key], leads_to, [departments[code]]
        )


def topics(sources: Sources, check: Checker) -> Iterator[Draft]:
    """The intents answered without a record (search.yml ``topics``), by their label."""
    for intent, questions in sources.topics.items():
        where = f"search.yml topic {intent}"
        label = sources.labels.get(intent)
        if label is None:
            check.error(where, "the intent has no label in intent_labels.yml")
            continue
        words = check.optional_texts(where, {"questions": questions}, "questions")
        titles = {
            language: str(labels[intent])
            for language, labels in sources.other_labels.items()
            if labels.get(intent)
        }
        yield Draft(
            f"topic:{intent}", "topic", intent, label, payload(intent), [label, *words], [], titles
        )


def read_search(
    content: Content,
    sources: Sources,
    national: Mapping[str, str],
    analyzer: Analyzer,
    check: Checker,
) -> None:
    """Adds the search records (see the module's doc); the terms are the analyzer's."""
    merged: dict[str, Draft] = {}
    drafts = (
        *procedures(sources, content, check),
        *terms(sources, check),
        *organisms(content, national, sources.glossary),
        *local_bodies(content, national),
        *topics(sources, check),
    )
    for draft in drafts:
        first = merged.setdefault(draft.payload, draft)
        if first is not draft:
            first.head += draft.head
            first.body += draft.body
    for number, draft in enumerate(merged.values(), start=1):
        content.add(
            models.SearchRecord,
            id=number,
            key=draft.key,
            kind=draft.kind,
            topic=draft.topic,
            title=draft.title,
            payload=draft.payload,
            head=" ".join(analyzer.terms(" ".join(draft.head))),
            body=" ".join(analyzer.terms(" ".join(draft.body))),
        )
        for language, title in draft.titles.items():
            texts = [("title", 0, title)]
            add_translations(content, "search", draft.key, language, texts, draft.key, check)
