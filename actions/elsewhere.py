"""Out-of-scope messages: the Rasa side of secu/dialogue/elsewhere.py."""

from __future__ import annotations

from actions.adapter import TurnAction
from secu.dialogue import elsewhere
from secu.dialogue.turn import Reply, Turn


class ActionOutOfScope(TurnAction):
    """Where to go for a subject another service handles (health, taxes, Caf…), or the
    generic out-of-scope answer."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def decide(self, turn: Turn) -> Reply:
        return elsewhere.elsewhere_reply(turn, elsewhere.get_elsewhere())
