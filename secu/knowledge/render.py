"""The answers built from knowledge-base records: which answer of data/knowledge/answers/
says a record, and its values (pure: no Rasa import). The sentences are in the answers
files; here the records become values: lines rendered one by one, joined, links.

A value that is a line of its own starts with its line break, so that an absent one
leaves nothing behind (:func:`lines`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from secu import content
from secu.knowledge.queries import ContactInfo, LinkInfo, PhoneInfo, ProcedureInfo, StatusInfo

MAX_STEPS_IN_CHAT = 3


class Text(NamedTuple):
    """An answer's key and its values."""

    key: str
    values: dict[str, str]


def lines(found: Iterable[str]) -> str:
    """Each line after a line break: the lines that follow a line of the answer.

    >>> lines(["a", "b"]), lines([])
    ('\\na\\nb', '')
    """
    return "".join(f"\n{line}" for line in found)


def phone_line(phone: PhoneInfo) -> str:
    """'- 3646 (service gratuit + prix de l'appel), du lundi au vendredi… ;'"""
    if phone.hours:
        return content.render("caisse_phone_hours", number=phone.display, hours=phone.hours_text)
    return content.render("caisse_phone", number=phone.display)


def contact(found: ContactInfo, where: str) -> Text:
    """'Pour la Gironde (33), votre caisse est : CPAM de la Gironde (CPAM 33). …'"""
    organism = found.organism
    phones = [phone_line(phone) for phone in found.phones]
    phones += [
        content.render("caisse_phone_abroad", number=phone.display) for phone in found.abroad_phones
    ]
    return Text(
        "caisse",
        {
            "where": where,
            "organism": organism.name,
            "short_name": organism.short_name,
            "description": lines([organism.description] if organism.kind == "cssm" else []),
            "phones": lines(phones),
            "note": lines([found.note] if found.note else []),
        },
    )


def status(info: StatusInfo) -> Text:
    """Which body handles a status, and where to find it."""
    values = {"explanation": info.explanation, "note": f" {info.note}" if info.note else ""}
    organism = info.organism
    if organism is not None and info.is_local:
        return Text("organism_local", {**values, "name": organism.name})
    if organism is not None and organism.website:
        return Text("organism_website", {**values, "website": organism.website})
    return Text("organism", values)


def link_lines(links: Iterable[LinkInfo]) -> str:
    """Official links, one "title : url" line each."""
    return lines(content.render("procedure_link", title=link.title, url=link.url) for link in links)


def procedure(shown: ProcedureInfo) -> Text:
    """The summary, the first key steps and the official link: short enough for a chat."""
    steps = [
        content.render("procedure_step", number=number, step=step)
        for number, step in enumerate(shown.steps[:MAX_STEPS_IN_CHAT], start=1)
    ]
    more = len(shown.steps) > MAX_STEPS_IN_CHAT
    return Text(
        "procedure",
        {
            "summary": shown.summary,
            "steps": lines(steps),
            "more_steps": lines([content.render("procedure_more_steps")] if more else []),
            "link": link_lines(shown.links[:1]),
        },
    )


def where(shown: ProcedureInfo) -> Text:
    """Where and how to do a procedure: every step (the chat answer shows the first ones
    only) and every official link."""
    steps = (
        content.render("procedure_step", number=number, step=step)
        for number, step in enumerate(shown.steps, start=1)
    )
    values = {"title": shown.title, "steps": lines(steps), "links": link_lines(shown.links)}
    return Text("procedure_where", values)


def documents(shown: ProcedureInfo) -> Text:
    """The documents to prepare for a procedure, and its usual delays."""
    delays = [content.render("procedure_delays", delays=shown.delays)] if shown.delays else []
    values = {"title": shown.title, "delays": lines(delays)}
    if not shown.documents:
        return Text("procedure_no_documents", values)
    items = (content.render("procedure_document", document=doc) for doc in shown.documents)
    return Text("procedure_documents", {**values, "documents": "\n".join(items)})
