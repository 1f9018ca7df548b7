"""The procedure that fits the user, for the topic they ask about, and what to prepare
and how long it takes for the procedure shown last.

The topic is the intent (``lost_number``, ``expatriate``…) or, for a reply ("oui",
"je suis étudiant", a button), the topic of the previous answer. A situation (button or
words of the message) or the status picks the procedure; when nothing does, the topic's
default procedure is shown and its one question asked. A typed reply to that question
is read as the button it tells ("aucun, j'ai tout perdu", "je bosse"); "oui"/"non" with
a reason or a correction ("non, plutôt en Suisse") goes by the reason; "je ne sais pas"
gets the question again. The follow-ups on the procedure shown last (documents, delay,
cost, obligation, without a compte ameli) answer from its record, or say they do not know.

Decisions from a Turn (and a knowledge-base session, the topics, the geography) to a
Reply; no Rasa import. The adapters are actions/procedures.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from secu import content
from secu.content import Button, button
from secu.dialogue.contact import (
    contact_reply,
    current_status,
    organism_text,
    situation_reply,
    status_in_words,
)
from secu.dialogue.topics import Situations, Topic, parse_payload
from secu.dialogue.turn import Entity, Reply, Turn
from secu.geo.geography import Geography
from secu.knowledge import queries, render
from secu.knowledge.queries import ProcedureInfo
from secu.language import localized
from secu.status import canonical_status
from secu.text import fold

YES_OR_NO = ("affirm", "deny", "dont_know")
# The first word of a typed reply that says yes or no whatever follows ("oui je suis né à
# Lille", "no, in Algeria"): read so when the NLU was unsure of the rest or took it for a
# statement.
LEADING_YES = frozenset({"oui", "ouais", "ouai", "ouep", "yes", "yeah", "yep", "yup"})
LEADING_NO = frozenset({"non", "nan", "no", "nope", "nah"})
UNSURE = "nlu_fallback"  # the NLU was unsure: a reply only when its words tell one
# The answers that say how to reach the Assurance Maladie ("c'est payant ?" is about that).
CONTACT_ANSWERS = frozenset(
    {
        "action_lookup_contact",
        "action_lookup_organism",
        "action_say_contact_from_abroad_general",
        "action_say_ambiguous_number",
    }
)


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
    """What "oui", "non" or "je ne sais pas" means: the answer to say, or the situation it
    picks; unsure of the answer, the question again."""
    waiting = bool(turn.slot("topic_question")) and topic.question is not None
    meaning = topic.reply(str(turn.intent)) if waiting else None
    if meaning is None and waiting and turn.intent == "dont_know":
        return Reply.say("topic_unsure").then(Reply.say(str(topic.question)))
    if meaning is None:  # no question waiting
        key = "what_else" if turn.intent == "affirm" else "anything_else"
        return Reply.say(key).then(Reply.set(topic_question=False))
    if meaning.answer:
        return Reply.say(meaning.answer).then(Reply.set(topic_question=False))
    return meaning.situation


def as_button(turn: Turn, payload: str) -> Turn:
    """The turn as if the button with ``payload`` had been clicked (the words kept)."""
    intent, entities = parse_payload(payload)
    found = tuple(Entity(name, value) for name, value in entities.items())
    return replace(turn, intent=intent, entities=turn.entities + found)


def read_as_button(turn: Turn, known: Situations) -> Turn:
    """A typed reply to the topic's question, read as the button its words tell (the
    question's ``typed_answers:`` words); unchanged when the topic's own situation words or a
    button already say it, or when no question waits."""
    asked = known.topics.get(str(turn.slot("topic")))
    if not turn.slot("topic_question") or asked is None or asked.question is None:
        return turn
    if turn.has_entity("situation", "status") or known.detect(asked.name, turn.text):
        return turn
    chosen = known.typed_choice(asked.question, turn.text)
    if chosen:
        return as_button(turn, chosen)
    return leading_yes_or_no(turn, asked)


def leading_yes_or_no(turn: Turn, asked: Topic) -> Turn:
    """A turn the NLU was unsure of, or read as a statement (``inform``), that starts with
    "oui" or "non": that answer to the topic's yes-or-no question ("oui je suis ne a
    lille" to "Êtes-vous né(e) en France ?", whether the NLU weighs the "oui" or the city
    more); the turn unchanged otherwise."""
    if turn.intent not in (UNSURE, "inform"):
        return turn
    words = fold(turn.text).split()
    first = words[0] if words else ""
    intent = "affirm" if first in LEADING_YES else "deny" if first in LEADING_NO else None
    if intent is None or asked.reply(intent) is None:
        return turn
    return replace(turn, intent=intent)


def tells_a_situation(turn: Turn, known: Situations) -> bool:
    """Whether the message tells a situation of the topic answered last ("et pour l'autre
    parent ?" after a newborn, "c'est mon employeur qui m'envoie" to its question)."""
    topic = known.topics.get(str(turn.slot("topic")))
    return bool(topic and known.detect(topic.name, turn.text))


def procedure_reply(session: Session, turn: Turn, known: Situations, geo: Geography) -> Reply:
    """The procedure for the topic and the user's situation (see the module's doc)."""
    turn = read_as_button(turn, known)
    if turn.intent == UNSURE and not tells_a_situation(turn, known):
        return Reply()  # nothing understood: the fallback's turn (actions/procedures.py)
    topic, follow_up = topic_of(turn, known)
    if topic is None:  # a reply with no topic to attach it to
        return situation_reply(session, turn, geo)
    situation = known.of_topic(topic.name, turn.entity("situation"))
    if situation is None:
        situation = known.detect(topic.name, turn.text)
    if situation is None and not follow_up:  # "et pour mes enfants ?" after the carte Vitale
        situation = topic.after(turn.slot("topic"))
    told = situation is not None or canonical_status(turn.entity("status")) is not None
    if (
        follow_up
        and not told
        and turn.intent == "inform"
        and (status := status_in_words(turn.text))
    ):
        # "je travaille dans un supermarché" after the CEAM: a status the NLU did not tag
        turn, told = replace(turn, entities=(*turn.entities, Entity("status", status))), True
    if follow_up and turn.intent in YES_OR_NO and not told:
        meaning = yes_or_no(turn, topic)
        if isinstance(meaning, Reply):
            return meaning
        situation = meaning
    elif follow_up and not told:
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
    if not reply.messages and chosen is not None:  # a status that changes nothing here
        steps = next_steps(topic, chosen)
        reply = Reply.say("procedure_unchanged", steps, title=chosen.title)
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
            buttons.append(Button(localized(step, "title"), step["payload"]))
    return buttons


def shown_procedure(session: Session, turn: Turn) -> ProcedureInfo | None:
    """The procedure shown last in this conversation, if any."""
    procedure_id = turn.slot("procedure")
    return queries.procedure(session, procedure_id) if procedure_id else None


def fact_reply(session: Session, turn: Turn, fact: str) -> Reply:
    """What the procedure shown last costs, or whether it is compulsory (``fact``: its
    ``cost`` or ``obligation`` field); that the assistant does not know when no source
    says, and where to ask; which démarche, when none was shown."""
    shown = shown_procedure(session, turn)
    if shown is None:
        return Reply.say(f"ask_which_procedure_{fact}")
    value = getattr(shown, fact)
    if value is None:
        return Reply.say(f"procedure_no_{fact}", title=shown.title)
    return Reply.say(f"procedure_{fact}", title=shown.title, **{fact: value})


def cost_reply(session: Session, turn: Turn) -> Reply:
    """ "C'est payant ?" right after a procedure: what it costs; right after how to reach
    the Assurance Maladie: what calling or writing costs."""
    if turn.previous_action in CONTACT_ANSWERS:
        return Reply.say("contact_cost")
    return fact_reply(session, turn, "cost")


def obligation_reply(session: Session, turn: Turn) -> Reply:
    """ "Je suis obligé ?": whether the procedure shown last is compulsory."""
    return fact_reply(session, turn, "obligation")


def without_account_reply(session: Session, turn: Turn) -> Reply:
    """ "Et si je n'ai pas de compte ameli ?": the other ways, for the procedure shown last."""
    shown = shown_procedure(session, turn)
    if shown is None:
        return Reply.say("without_account")
    return Reply.say("procedure_without_account", title=shown.title)


def shown_text(
    session: Session, turn: Turn, compose: Callable[[ProcedureInfo], render.Text], ask: str
) -> Reply:
    """A text composed from the procedure shown last (``compose``: a function of
    secu.knowledge.render); the question ``ask`` (which démarche?) when none was shown."""
    shown = shown_procedure(session, turn)
    if shown is None:
        return Reply.say(ask)
    text = compose(shown)
    return Reply.say(text.key, [], **text.values)


def where_reply(session: Session, turn: Turn) -> Reply:
    """ "Je la demande où ?": where and how to do the procedure shown last, every step."""
    return shown_text(session, turn, render.where, "ask_which_procedure_where")


def documents_reply(session: Session, turn: Turn) -> Reply:
    """The documents to prepare for the procedure shown last."""
    return shown_text(session, turn, render.documents, "ask_which_procedure")


def delay_reply(session: Session, turn: Turn) -> Reply:
    """How long the procedure shown last usually takes."""
    shown = shown_procedure(session, turn)
    if shown is None:
        return Reply.say("ask_which_procedure_delay")
    if shown.delays:
        return Reply.say("procedure_delay", title=shown.title, delays=shown.delays)
    return Reply.say("procedure_no_delay", title=shown.title)


AMBIGUOUS_QUESTION = "ambiguous_number"  # "the phone number, or your own number?"


def ambiguous_number_reply(
    session: Session, turn: Turn, known: Situations, geo: Geography
) -> Reply:
    """A typed answer to "which number: the phone number, or your own?" ("celui pour
    appeler", "le mien, celui de ma carte"): what its button would have given; another
    topic asked instead is answered; otherwise the question again."""
    chosen = known.typed_choice(AMBIGUOUS_QUESTION, turn.text)
    if chosen is None and turn.intent in known.topics:
        return procedure_reply(session, turn, known, geo)
    if chosen is None:
        return Reply.say("ambiguous_number_again")
    clicked = as_button(turn, chosen)
    if clicked.intent == "contact":
        return contact_reply(session, clicked, geo)
    if clicked.intent in known.topics:
        return procedure_reply(session, clicked, known, geo)
    return Reply.say(str(clicked.intent))  # nir_info: the fixed answer of that name
