"""The topics and their procedures: the Rasa side of secu/dialogue/procedures.py."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import TurnAction
from secu.dialogue import procedures
from secu.dialogue.elsewhere import get_elsewhere, health_first
from secu.dialogue.topics import get_situations
from secu.dialogue.turn import Reply, Turn
from secu.geo.geography import get_geography
from secu.knowledge.db import run_in_session

FALLBACK_ACTION = "action_two_stage_fallback"


class ActionLookupProcedure(TurnAction):
    """The procedure that fits the user's situation, for the topic asked about. A message
    the NLU was unsure of, right after the topic's question, is read by its words; when
    they tell nothing, Rasa's two-stage fallback takes it, as it would have."""

    def name(self) -> str:
        return "action_lookup_procedure"

    async def decide(self, turn: Turn) -> Reply:
        reply = await run_in_session(
            procedures.procedure_reply, turn, get_situations(), get_geography()
        )
        return health_first(turn, reply, get_elsewhere())

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        events = await super().run(dispatcher, tracker, domain)
        unsure = tracker.latest_message.get("intent", {}).get("name") == procedures.UNSURE
        if unsure and not dispatcher.messages:
            events.append(FollowupAction(FALLBACK_ACTION))
        return events


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


class ActionProcedureCost(TurnAction):
    """What the procedure shown last costs ("et c'est payant ?")."""

    def name(self) -> str:
        return "action_procedure_cost"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(procedures.cost_reply, turn)


class ActionProcedureObligation(TurnAction):
    """Whether the procedure shown last is compulsory ("je suis obligé ?")."""

    def name(self) -> str:
        return "action_procedure_obligation"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(procedures.obligation_reply, turn)


class ActionProcedureWithoutAccount(TurnAction):
    """The procedure shown last without a compte ameli ("et si je n'ai pas de compte ?")."""

    def name(self) -> str:
        return "action_procedure_without_account"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(procedures.without_account_reply, turn)


class ActionAmbiguousNumberReply(TurnAction):
    """A typed answer to "the phone number, or your own number?"."""

    def name(self) -> str:
        return "action_ambiguous_number_reply"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(
            procedures.ambiguous_number_reply, turn, get_situations(), get_geography()
        )
