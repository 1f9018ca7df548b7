"""The two-stage fallback's decisions: which topics to offer when a message was not
understood, and what to say at each stage."""

from __future__ import annotations

from collections.abc import Mapping

from secu.content import Button, button, render
from secu.dialogue.turn import Reply, Turn

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


def ask_affirmation(turn: Turn, labels: Mapping[str, str]) -> Reply:
    """'Did you mean…': the two best topics as buttons, and "something else"."""
    guesses = best_guesses(turn.intent_ranking, labels)
    buttons = [Button(labels[name], f"/{name}") for name in guesses]
    buttons.append(button(render("button_something_else"), OTHER_INTENT))
    key = "ask_affirmation" if guesses else "ask_affirmation_no_guess"
    return Reply.say(key, buttons)


def give_up() -> Reply:
    """Last stage: an honest "I did not understand", the topics and the human options;
    the message leaves the dialogue history, as Rasa's own default does."""
    return Reply(Reply.say("default").messages, forget_message=True)
