"""The first stage of the two-stage fallback: 'did you mean…?' with the two best intents."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.say import say
from secu.settings import get_settings

# Intents never offered as a guess: they make no sense as a button.
_NOT_OFFERED = {"nlu_fallback", "out_of_scope", "affirm", "deny"}
OTHER_PAYLOAD = "/out_of_scope"  # what Rasa's two-stage fallback reads as "no"


@lru_cache(maxsize=1)
def intent_labels() -> dict[str, str]:
    path = get_settings().knowledge_dir / "intent_labels.yml"
    with path.open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def best_guesses(ranking: list[dict[str, Any]], labels: dict[str, str], n: int = 2) -> list[str]:
    """The ``n`` most confident intents that have a label and can be offered."""
    guesses: list[str] = []
    for entry in sorted(ranking, key=lambda e: e.get("confidence") or 0.0, reverse=True):
        name = entry.get("name")
        if name and name not in _NOT_OFFERED and name in labels and name not in guesses:
            guesses.append(name)
        if len(guesses) == n:
            break
    return guesses


class ActionAskAffirmation(Action):
    """Overrides Rasa's default 'Did you mean…' (English, one intent, raw names)."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        labels = intent_labels()
        ranking = tracker.latest_message.get("intent_ranking") or []
        guesses = best_guesses(ranking, labels)
        buttons = [{"title": labels[name], "payload": f"/{name}"} for name in guesses]
        buttons.append({"title": "Autre chose", "payload": OTHER_PAYLOAD})
        text = (
            "Je ne suis pas sûr d'avoir compris. Vouliez-vous parler de l'un de ces sujets ?"
            if guesses
            else "Je ne suis pas sûr d'avoir compris. Pouvez-vous préciser ?"
        )
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


class ActionAskRephrase(Action):
    """Second stage: the user said none of the guesses fits."""

    def name(self) -> str:
        return "action_default_ask_rephrase"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        say(dispatcher, "ask_rephrase")
        return []


class ActionDefaultFallback(Action):
    """Last stage: an honest 'I did not understand', the topics and the human options."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        say(dispatcher, "default")
        # As Rasa's own default: the message it did not understand leaves the dialogue history.
        return [UserUtteranceReverted()]
