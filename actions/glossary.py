"""Terms asked by name: the Rasa side of secu/dialogue/glossary.py."""

from __future__ import annotations

from actions.adapter import TurnAction
from secu.dialogue import glossary
from secu.dialogue.turn import Reply, Turn


class ActionDefineTerm(TurnAction):
    """The definition of the term asked about (NIA, PUMa, CEAM…) and its next steps."""

    def name(self) -> str:
        return "action_define_term"

    async def decide(self, turn: Turn) -> Reply:
        return glossary.define_reply(turn, glossary.get_glossary())
