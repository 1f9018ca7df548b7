"""The NIR dialogue's decisions: checking the numbers typed in a message, and the form
that asks for one. Nothing of a number is kept: only derived facts go into slots (valid
or not, why, born abroad, department or country).

>>> asked = {"requested_slot": "nir_status"}
>>> extract_status(Turn(text="1 85 03 33 063 847 62", intent="check_nir", slots=asked)).slots
{'nir_status': 'typed'}
>>> extract_status(Turn(text="12 rue de la paix", intent="inform", slots=asked)).slots
{'nir_status': 'not_a_nir'}
>>> extract_status(Turn(text="non merci", intent="deny", slots=asked)).slots
{}
>>> meet = Turn(text="je prefere voir quelqu'un en face", intent="inform", slots=asked)
>>> extract_status(meet).slots
{'nir_status': 'meet_person'}

Asking to meet a person ("je veux voir quelqu'un en face", "un rendez-vous à l'accueil")
is never read as an attempt at the number, nor answered by asking for one: when the form
starts or waits, such a message fills the form with ``meet_person`` and the check answers
how to meet a person instead.
"""

from __future__ import annotations

from typing import Any

from secu.content import Button, button, render
from secu.dialogue.topics import get_situations
from secu.dialogue.turn import Reply, Turn
from secu.geo.geography import Geography
from secu.nir.check import check_text, reply_values
from secu.nir.scan import find_nirs

STATUS_SLOT = "nir_status"
TYPED = "typed"
NOT_A_NIR = "not_a_nir"
MEET = "meet_person"  # the user asks to meet a person, not to check a number
# Intents and situations of data/knowledge/situations/human_handoff.yml that ask to meet
# or be called by a person.
MEETING_INTENTS = frozenset({"human_handoff", "book_appointment"})
MEETING_SITUATIONS = frozenset({"accueil", "rendez_vous"})
# Intents a reply to "tapez le numéro" gets when it is not a number after all.
ANSWERS_TO_THE_QUESTION = frozenset({"nlu_fallback", "inform", "check_nir", "affirm"})


def next_step_buttons() -> tuple[Button, ...]:
    """After a check: what the number means, or getting a certificate of rights."""
    return (
        button(render("nir_button_meaning"), "nir_info"),
        button(render("nir_button_attestation"), "attestation_droits"),
    )


def asks_to_meet(turn: Turn) -> bool:
    """Whether the message asks to meet (or be called by) a person, by its intent or by
    the words of the desk and appointment situations."""
    if turn.intent in MEETING_INTENTS:
        return True
    return get_situations().detect("human_handoff", turn.text) in MEETING_SITUATIONS


def check_reply(turn: Turn, geo: Geography | None = None) -> Reply:
    """Every number of the message checked, in one answer; the first one's facts in
    slots. The form's slot is emptied so that it can run again. A request to meet a
    person gets how to meet one."""
    if turn.slot(STATUS_SLOT) == MEET and not find_nirs(turn.text):
        return Reply.say("nir_meet_person").then(Reply.set(nir_status=None))
    checks = check_text(turn.text, geo)
    if not checks:
        return Reply.say("nir_not_found").then(Reply.set(nir_status=None))
    first = checks[0]
    answer = Reply.say("nir_checked", next_step_buttons(), **reply_values(checks))
    return answer.then(
        Reply.set(
            nir_status=None,
            nir_valid=first.valid,
            nir_error=first.error,
            nir_born_abroad=first.born_abroad,
            nir_place=first.place,
        )
    )


def extract_status(turn: Turn) -> Reply:
    """The form's slot from the user's answer to "tapez le numéro": ``typed`` when a
    number was typed; ``not_a_nir`` for an attempt (an answer to the question, or digits)
    that holds none; nothing for another request ("annule", a question), which the rules
    handle; ``meet_person`` for a request to meet a person, when the form starts or waits."""
    asked = turn.requested_slot == STATUS_SLOT
    if not asked and turn.requested_slot is not None:
        return Reply()
    if find_nirs(turn.text):
        return Reply.set(nir_status=TYPED) if asked else Reply()
    if asks_to_meet(turn):
        return Reply.set(nir_status=MEET)
    if not asked or turn.is_aside:
        return Reply()
    if turn.intent in ANSWERS_TO_THE_QUESTION or any(ch.isdigit() for ch in turn.text):
        return Reply.set(nir_status=NOT_A_NIR)  # an attempt: say what a number looks like
    return Reply()


def validate_status(value: Any) -> Reply:
    """An attempt without a number: say what one looks like, and ask again."""
    if value == NOT_A_NIR:
        return Reply.say("nir_not_found").then(Reply.set(nir_status=None))
    return Reply.set(nir_status=value)
