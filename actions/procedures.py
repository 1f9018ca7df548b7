"""The topics and their procedures: the Rasa side of secu/dialogue/procedures.py."""

from __future__ import annotations

from actions.adapter import TurnAction
from secu.dialogue import procedures
from secu.dialogue.topics import get_situations
from secu.dialogue.turn import Reply, Turn
from secu.geo.geography import get_geography
from secu.knowledge.db import run_in_session


class ActionLookupProcedure(TurnAction):
    """The procedure that fits the user's situation, for the topic asked about."""

    def name(self) -> str:
        return "action_lookup_procedure"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(
            procedures.procedure_reply, turn, get_situations(), get_geography()
        )


class ActionProcedureDocuments(TurnAction):
    """The documents to prepare for the procedure shown last."""

    def name(self) -> str:
        return "action_procedure_documents"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(procedures.documents_reply, turn)


class ActionProcedureDelay(TurnAction):
    """How long the procedure shown last usually takes."""

    def name(self) -> str:
        return "action_procedure_delay"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(procedures.delay_reply, turn)
