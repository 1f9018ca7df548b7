"""The topics and their procedures: the Rasa side of secu/dialogue/procedures.py."""

from __future__ import annotations

from abc import abstractmethod
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


class ProcedureFollowUp(TurnAction):
    """A follow-up about the procedure shown last, decided in a database session by
    ``reply`` (a function of secu.dialogue.procedures)."""

    action_name = ""

    @staticmethod
    @abstractmethod
    def reply(session: Any, turn: Turn) -> Reply:
        """The decision (abstract here, so that rasa_sdk registers only the subclasses)."""

    def name(self) -> str:
        return self.action_name

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(self.reply, turn)


class ActionProcedureDocuments(ProcedureFollowUp):
    """The documents to prepare for the procedure shown last."""

    action_name = "action_procedure_documents"
    reply = staticmethod(procedures.documents_reply)


class ActionProcedureDelay(ProcedureFollowUp):
    """How long the procedure shown last usually takes."""

    action_name = "action_procedure_delay"
    reply = staticmethod(procedures.delay_reply)


class ActionProcedureCost(ProcedureFollowUp):
    """What the procedure shown last costs ("et c'est payant ?")."""

    action_name = "action_procedure_cost"
    reply = staticmethod(procedures.cost_reply)


class ActionProcedureObligation(ProcedureFollowUp):
    """Whether the procedure shown last is compulsory ("je suis obligé ?")."""

    action_name = "action_procedure_obligation"
    reply = staticmethod(procedures.obligation_reply)


class ActionProcedureWithoutAccount(ProcedureFollowUp):
    """The procedure shown last without a compte ameli ("et si je n'ai pas de compte ?")."""

    action_name = "action_procedure_without_account"
    reply = staticmethod(procedures.without_account_reply)


class ActionProcedureWhere(ProcedureFollowUp):
    """ "Je la demande où ?": where and how, every step of the procedure shown last."""

    action_name = "action_procedure_where"
    reply = staticmethod(procedures.where_reply)


class ActionAmbiguousNumberReply(TurnAction):
    """A typed answer to "the phone number, or your own number?"."""

    def name(self) -> str:
        return "action_ambiguous_number_reply"

    async def decide(self, turn: Turn) -> Reply:
        return await run_in_session(
            procedures.ambiguous_number_reply, turn, get_situations(), get_geography()
        )
