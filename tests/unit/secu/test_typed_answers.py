"""Every button of every question the assistant asks has typed answers that lead where the
button leads (tests/unit/secu/typed_answers.yml): the questions are read from the answers
(every answer with buttons that asks something), so a new question or button without a
typed answer fails here.

A typed answer is given the intent the NLU reads it as; the decision that the rules call
after that question then gets it, and must answer as if the button had been clicked:
- a topic's question (data/knowledge/situations/): the procedure (or answer) shown;
- "the phone number or your own?": the contact, the procedure or the explanation;
- "what is your situation?" (which body): the body of that status;
- the booking's channel: the channel read from the words (data/agenda/agenda.yml);
- a question whose buttons lead to a topic or to yes/no: the NLU's intent is the button's,
  and a rule answers it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.orm import Session

from secu.agenda.words import get_words
from secu.content import answers
from secu.dialogue.contact import ORGANISM_ACTION, contact_reply, organism_reply
from secu.dialogue.procedures import ambiguous_number_reply, as_button, procedure_reply
from secu.dialogue.topics import Situations, get_situations, parse_payload
from secu.dialogue.turn import Entity, Reply, Turn
from secu.geo.geography import get_geography

ROOT = Path(__file__).resolve().parents[3]
TYPED = yaml.safe_load((Path(__file__).parent / "typed_answers.yml").read_text(encoding="utf-8"))
KNOWN = get_situations()
TOPIC_QUESTIONS = {t.question: t.name for t in KNOWN.topics.values() if t.question}


def questions() -> dict[str, list[tuple[str, str]]]:
    """Every answer that asks something with buttons: {key: [(title, payload)]}."""
    return {
        key: [(b.title, b.payload) for b in found.buttons]
        for key, found in answers().items()
        if found.buttons and (key.startswith("ask_") or found.text.strip().endswith("?"))
    }


def cases() -> Iterator[Any]:
    for key, buttons in questions().items():
        for title, payload in buttons:
            for typed in (TYPED.get(key) or {}).get(title) or [{"text": "", "intent": ""}]:
                yield pytest.param(key, payload, typed, id=f"{key}:{title}:{typed['text']}")


def rule_intents() -> set[str]:
    """The intents some rule or story of data/ answers."""
    found: set[str] = set()
    for path in [
        *(ROOT / "data" / "rules").glob("*.yml"),
        *(ROOT / "data" / "stories").glob("*.yml"),
    ]:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in raw.get("rules") or raw.get("stories") or []:
            found.update(step["intent"] for step in entry["steps"] if "intent" in step)
    return found


@pytest.fixture()
def session(knowledge_db: str) -> Iterator[Session]:
    from secu.knowledge.db import session_scope

    with session_scope() as opened:
        yield opened


def typed_turn(typed: dict[str, Any], slots: dict[str, Any], previous: str | None) -> Turn:
    entities = tuple(Entity(name, value) for name, value in (typed.get("entities") or {}).items())
    return Turn(
        text=typed["text"], intent=typed["intent"], entities=entities, slots=slots,
        previous_action=previous,
    )  # fmt: skip


def clicked_turn(payload: str, slots: dict[str, Any], previous: str | None) -> Turn:
    return as_button(Turn(text=payload, slots=slots, previous_action=previous), payload)


def outcome(reply: Reply) -> tuple[Any, ...]:
    """What the user gets: the answers, and the procedure and topic they are about."""
    keys = tuple(m.key for m in reply.messages)
    return keys, reply.slots.get("procedure"), reply.slots.get("topic"), reply.slots.get("status")


def topic_context(session: Session, topic: str, known: Situations) -> dict[str, Any]:
    """The slots right after the topic asked its question (a topic whose first answer
    fits without asking still asks it when nothing fits: the question is then waiting)."""
    asked = procedure_reply(session, Turn(text=topic, intent=topic), known, get_geography())
    return {**asked.slots, "topic": topic, "topic_question": True}


def after_click(session: Session, payload: str) -> Reply:
    """What the rules answer to a button that names an intent: a topic's procedure, the
    contact, or the fixed answer of that name."""
    turn = clicked_turn(payload, {}, None)
    if turn.intent in KNOWN.topics:
        return procedure_reply(session, turn, KNOWN, get_geography())
    if turn.intent == "contact":
        return contact_reply(session, turn, get_geography())
    return Reply.say(str(turn.intent))


def test_every_question_with_buttons_has_typed_answers() -> None:
    for key, buttons in questions().items():
        assert key in TYPED, f"no typed answers for the question {key}"
        for title, _ in buttons:
            assert TYPED[key].get(title), f"no typed answer for the button {title!r} of {key}"


def test_no_typed_answer_for_a_button_that_is_gone() -> None:
    asked = questions()
    for key, by_title in TYPED.items():
        assert key in asked, key
        titles = {title for title, _ in asked[key]}
        assert set(by_title) <= titles, (key, set(by_title) - titles)


@pytest.mark.parametrize(("question", "payload", "typed"), list(cases()))
def test_a_typed_answer_leads_where_its_button_leads(
    session: Session, question: str, payload: str, typed: dict[str, Any]
) -> None:
    assert typed["text"], f"{question}: no typed answer for {payload}"
    geo = get_geography()
    if question in TOPIC_QUESTIONS:
        slots = topic_context(session, TOPIC_QUESTIONS[question], KNOWN)
        clicked = procedure_reply(session, clicked_turn(payload, slots, None), KNOWN, geo)
        got = procedure_reply(session, typed_turn(typed, slots, None), KNOWN, geo)
        assert outcome(got) == outcome(clicked), typed["text"]
    elif question == "ambiguous_number":
        got = ambiguous_number_reply(session, typed_turn(typed, {}, None), KNOWN, geo)
        assert outcome(got) == outcome(after_click(session, payload)), typed["text"]
    elif question == "ask_status_organism":
        clicked = organism_reply(session, clicked_turn(payload, {}, ORGANISM_ACTION))
        got = organism_reply(session, typed_turn(typed, {}, ORGANISM_ACTION))
        assert outcome(got) == outcome(clicked), typed["text"]
        assert got.slots.get("status"), typed["text"]
    elif question == "ask_appointment_channel":
        assert (
            get_words().channel(typed["text"]) == parse_payload(payload)[1]["appointment_channel"]
        ), typed["text"]
    else:  # the button is a topic or yes/no: the NLU's intent is the button's, and answered
        assert typed["intent"] == parse_payload(payload)[0], typed["text"]
        assert typed["intent"] in rule_intents(), typed["intent"]


@pytest.mark.parametrize("question", sorted(TOPIC_QUESTIONS))
def test_i_dont_know_to_a_topic_question_asks_it_again(session: Session, question: str) -> None:
    topic = TOPIC_QUESTIONS[question]
    slots = topic_context(session, topic, KNOWN)
    unsure = Turn(text="je sais pas", intent="dont_know", slots=slots)
    got = procedure_reply(session, unsure, KNOWN, get_geography())
    assert [m.key for m in got.messages] == ["topic_unsure", question]
    assert answers()[question].buttons, "the question comes again with its buttons"
