"""Which body, how to reach it, and facts told out of context: the Rasa side of
secu/dialogue/contact.py."""

from __future__ import annotations

from actions.adapter import TurnAction
from secu.dialogue import contact
from secu.dialogue.turn import Reply, Turn
from secu.geo.geography import get_geography
from secu.knowledge.db import run_in_session


class ActionLookupContact(TurnAction):
    """How to reach the right body, for the user's place when it is known."""

    def name(self) -> str:
        return "action_lookup_contact"

    async def decide(self, turn: Turn) -> Reply:
        # Right after this action, a place that is not understood is said so.
        general = turn.previous_action != self.name()
        return await run_in_session(
            contact.contact_reply, turn, get_geography(), general_if_unknown=general
        )


class ActionLookupOrganism(TurnAction):
    """Which body handles the user's health insurance, for their status."""

    def name(self) -> str:
        return "action_lookup_organism"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(contact.organism_reply, turn)


class ActionSituation(TurnAction):
    """The user states a fact about themselves out of context: answer what fits it."""

    def name(self) -> str:
        return "action_situation"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(contact.situation_reply, turn, get_geography())
