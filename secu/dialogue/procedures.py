"""The procedure that fits the user, for the topic they ask about, and what to prepare
and how long it takes for the procedure shown last.

The topic is the intent (``lost_number``, ``expatriate``…) or, for a reply ("oui",
"je suis étudiant", a button), the topic of the previous answer. A situation (button or
words of the message) or the status picks the procedure; when nothing does, the topic's
default procedure is shown and its one question asked.

Decisions from a Turn (and a knowledge-base session, the topics, the geography) to a
Reply; no Rasa import. The adapters are actions/procedures.py.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from secu import content
from secu.content import Button, button
from secu.dialogue.contact import current_status, organism_text, situation_reply
from secu.dialogue.topics import Situations, Topic
from secu.dialogue.turn import Reply, Turn
from secu.geo.geography import Geography
from secu.knowledge import queries, render
from secu.knowledge.queries import ProcedureInfo
from secu.status import canonical_status

YES_OR_NO = ("affirm", "deny")


def topic_of(turn: Turn, known: Situations) -> tuple[Topic | None, bool]:
    """The topic the message is about, and whether it follows up the previous answer.

    The reply to the question just asked can be read as another topic ("Avez-vous l'un
    de ces documents ?" — "j'ai pas de carte vitale ni rien"): it still answers it."""
    follow_up = turn.intent not in known.topics
    topic = known.topics.get(str(turn.slot("topic")) if follow_up else str(turn.intent))
    asked = known.topics.get(str(turn.slot("topic")))
    if (
        not follow_up
        and turn.slot("topic_question")
        and asked is not None
        and asked is not topic
        and known.detect(asked.name, turn.text)
    ):
        return asked, True
    return topic, follow_up


def yes_or_no(turn: Turn, topic: Topic) -> Reply | str | None:
    """What "oui" or "non" means: the answer to say, or the situation it picks."""
    meaning = topic.reply(str(turn.intent)) if turn.slot("topic_question") else None
    if meaning is None:  # no question waiting
        key = "what_else" if turn.intent == "affirm" else "anything_else"
        return Reply.say(key).then(Reply.set(topic_question=False))
    if meaning.answer:
        return Reply.say(meaning.answer).then(Reply.set(topic_question=False))
    return meaning.situation


def procedure_reply(session: Session, turn: Turn, known: Situations, geo: Geography) -> Reply:
    """The procedure for the topic and the user's situation (see the module's doc)."""
    topic, follow_up = topic_of(turn, known)
    if topic is None:  # a reply with no topic to attach it to
        return situation_reply(session, turn, geo)
    situation = known.of_topic(topic.name, turn.entity("situation"))
    if situation is None:
        situation = known.detect(topic.name, turn.text)
    if follow_up and turn.intent in YES_OR_NO:
        meaning = yes_or_no(turn, topic)
        if isinstance(meaning, Reply):
            return meaning
        situation = meaning
    elif follow_up and situation is None and canonical_status(turn.entity("status")) is None:
        # "j'habite à Lyon" after a procedure: what fits that (the caisse, …)
        return situation_reply(session, turn, geo)
    return show_procedure(session, turn, topic, situation, follow_up=follow_up)


def show_procedure(
    session: Session, turn: Turn, topic: Topic, situation: str | None, *, follow_up: bool
) -> Reply:
    """The procedure that fits, with the next steps; the topic's default procedure and
    its question when nothing specific fits."""
    status = current_status(turn)
    slots: dict[str, Any] = {"topic": topic.name}
    if status:
        slots["status"] = status
    chosen = queries.procedure_for(session, topic.name, status, situation)
    if chosen is not None and not chosen.is_default:
        slots.update(procedure=chosen.id, topic_question=False)
        return procedure_text(chosen, next_steps(topic, chosen)).then(Reply.set(**slots))
    already_shown = follow_up and turn.slot("procedure") == (chosen and chosen.id)
    answered_by_status = bool(status and topic.by_status)
    asks = topic.question is not None and not answered_by_status
    reply = Reply()
    if chosen is not None:
        if not already_shown:
            reply = procedure_text(chosen, [] if asks else next_steps(topic, chosen))
        slots["procedure"] = chosen.id
    if answered_by_status:
        reply = reply.then(status_body(session, turn, str(status)))
    elif topic.question is not None:
        reply = reply.then(Reply.say(topic.question))
    return reply.then(Reply.set(**slots, topic_question=asks))


def status_body(session: Session, turn: Turn, status: str) -> Reply:
    """Which body handles the status (for a topic whose question is the status)."""
    info = queries.organism_for_status(session, status, turn.slot("department"))
    return organism_text(info) if info is not None else Reply()


def procedure_text(shown: ProcedureInfo, buttons: list[Button]) -> Reply:
    text = render.procedure(shown)
    return Reply.say(text.key, buttons, **text.values)


def next_steps(topic: Topic, shown: ProcedureInfo) -> list[Button]:
    """The documents button when there is something to prepare, then the topic's next
    steps (minus the one leading back to what is shown)."""
    documents = button(content.render("button_documents"), "ask_documents")
    buttons = [documents] if shown.documents else []
    for step in topic.buttons:
        leads_back = any(f'"{s}"' in step["payload"] for s in shown.situations)
        if not leads_back:
            buttons.append(Button(step["title"], step["payload"]))
    return buttons


def shown_procedure(session: Session, turn: Turn) -> ProcedureInfo | None:
    """The procedure shown last in this conversation, if any."""
    procedure_id = turn.slot("procedure")
    return queries.procedure(session, procedure_id) if procedure_id else None


def documents_reply(session: Session, turn: Turn) -> Reply:
    """The documents to prepare for the procedure shown last."""
    shown = shown_procedure(session, turn)
    if shown is None:
        return Reply.say("ask_which_procedure")
    text = render.documents(shown)
    return Reply.say(text.key, [], **text.values)


def delay_reply(session: Session, turn: Turn) -> Reply:
    """How long the procedure shown last usually takes."""
    shown = shown_procedure(session, turn)
    if shown is None:
        return Reply.say("ask_which_procedure_delay")
    if shown.delays:
        return Reply.say("procedure_delay", title=shown.title, delays=shown.delays)
    return Reply.say("procedure_no_delay", title=shown.title)
