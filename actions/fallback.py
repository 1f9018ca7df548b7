"""The two-stage fallback's actions (secu/dialogue/fallback.py decides)."""

from __future__ import annotations

from actions.adapter import TurnAction
from secu.content import intent_labels
from secu.dialogue import fallback
from secu.dialogue.turn import Reply, Turn
from secu.knowledge.db import run_in_session


class ActionAskAffirmation(TurnAction):
    """Overrides Rasa's default 'Did you mean…' (English, one intent, raw names): the
    records the content search finds for the message, else the best intents."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(fallback.offer, turn, intent_labels())


class ActionAskRephrase(TurnAction):
    """Second stage: the user said none of the guesses fits."""

    def name(self) -> str:
        return "action_default_ask_rephrase"

    async def decide(self, turn: Turn) -> Reply:
        return Reply.say("ask_rephrase")


class ActionDefaultFallback(TurnAction):
    """Last stage: an honest 'I did not understand', the topics and the human options."""

    def name(self) -> str:
        return "action_default_fallback"

    async def decide(self, turn: Turn) -> Reply:
        return fallback.give_up()
