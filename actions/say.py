"""Fixed answers that rules and stories name: ``action_say_<key>`` sends the answer
``<key>`` of data/knowledge/answers/ (where every text of the assistant lives)."""

from __future__ import annotations

from abc import abstractmethod

from actions.adapter import TurnAction
from secu.dialogue.turn import Reply, Turn

# The answers rules and stories use as they are (domain.yml lists their actions).
FIXED_ANSWERS = (
    "help",
    "goodbye",
    "thank",
    "anything_else",
    "what_else",
    "bot_challenge",
    "human_handoff",
    "contact_from_abroad_general",
    "ambiguous_number",
    "nir_info",
    "nir_cancelled",
    "appointment_stopped",
    "appointment_free",
    "nothing_to_stop",
    "language_switched",
)


class SayAction(TurnAction):
    """Sends one fixed answer."""

    @property
    @abstractmethod
    def key(self) -> str:
        """The answer's key (abstract here, so that rasa_sdk registers only the subclasses)."""

    def name(self) -> str:
        return f"action_say_{self.key}"

    async def decide(self, turn: Turn) -> Reply:
        return Reply.say(self.key)


# One action class per fixed answer (rasa_sdk registers every Action subclass).
SAY_ACTIONS = [
    type(f"Say_{key}", (SayAction,), {"key": key, "__doc__": f"Sends the answer {key!r}."})
    for key in FIXED_ANSWERS
]
