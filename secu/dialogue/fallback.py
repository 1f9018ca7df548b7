"""The two-stage fallback's decisions: what to offer when a message was not understood,
and what to say at each stage.

First stage: the content is searched for the message (:mod:`secu.knowledge.search`, the
NLU's best intents as a second signal) and the best records are offered ("Votre question
porte-t-elle sur… ?"); each button sends a payload of an existing intent that leads to
the record's answer, which the two-stage fallback replays as the user's message. When
nothing is found (or the search fails), the two best intents are offered instead. Then
"Autre chose" asks to rephrase, and a second miss gets the honest "je n'ai pas compris".
The message is searched in memory and never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from secu.content import Button, button, render
from secu.dialogue.turn import Reply, Turn
from secu.knowledge import search
from secu.knowledge.search import Found

log = logging.getLogger(__name__)

# Intents never offered as a guess: they make no sense as a button.
NOT_OFFERED = frozenset({"nlu_fallback", "out_of_scope", "affirm", "deny"})
OTHER_INTENT = "out_of_scope"  # what Rasa's two-stage fallback reads as "none of these"


def best_guesses(
    ranking: tuple[tuple[str, float], ...], labels: Mapping[str, str], n: int = 2
) -> list[str]:
    """The ``n`` most confident intents that have a label and can be offered.

    >>> labels = {"lost_number": "Numéro perdu", "greet": "Bonjour"}
    >>> best_guesses((("greet", 0.2), ("lost_number", 0.5), ("affirm", 0.9)), labels)
    ['lost_number', 'greet']
    """
    guesses: list[str] = []
    for name, _ in sorted(ranking, key=lambda entry: entry[1], reverse=True):
        if name not in NOT_OFFERED and name in labels and name not in guesses:
            guesses.append(name)
        if len(guesses) == n:
            break
    return guesses


def record_button(found: Found) -> Button:
    """A record found in the content, titled by its kind's answer (search_button_*)."""
    return Button(render(f"search_button_{found.kind}", title=found.title), found.payload)


def ask_affirmation(turn: Turn, labels: Mapping[str, str], found: Sequence[Found] = ()) -> Reply:
    """'Is your question about…': the records found, else 'Did you mean…': the two best
    topics; and "something else"."""
    other = button(render("button_something_else"), OTHER_INTENT)
    if found:
        return Reply.say("ask_record", [*map(record_button, found), other])
    guesses = best_guesses(turn.intent_ranking, labels)
    buttons = [Button(labels[name], f"/{name}") for name in guesses]
    key = "ask_affirmation" if guesses else "ask_affirmation_no_guess"
    return Reply.say(key, [*buttons, other])


def offer(session: Session, turn: Turn, labels: Mapping[str, str]) -> Reply:
    """The first stage: the records the content search finds for the message; the best
    intents when it finds none or fails (a database error is logged, never the message)."""
    try:
        found = search.search(session, turn.text, turn.intent_ranking)
    except SQLAlchemyError as error:
        session.rollback()
        log.warning("content search failed (%s): the intents are offered", type(error).__name__)
        found = []
    return ask_affirmation(turn, labels, found)


def give_up() -> Reply:
    """Last stage: an honest "I did not understand", the topics and the human options;
    the message leaves the dialogue history, as Rasa's own default does."""
    return Reply(Reply.say("default").messages, forget_message=True)
