"""A conversation's events (as Rasa stores them) read as turns: one user message and what
the assistant did about it (actions, answers, slots), masked as the index keeps them.

The names come from the domain (``domain.yml``): the fallback's actions
(``actions/fallback.py`` and Rasa's two-stage fallback loop), the hand-off, the booking
form's slots (``secu.dialogue.booking``) and the cancellation, which happens when the user
says yes to "cancel it?" (``secu.dialogue.booking_list.cancels_now``, read back here).

Rasa's two-stage fallback stores a clarified message twice: the click on "did you mean…",
then a ``rewind`` and the same message again. The copy belongs to the turn it repeats; a
message the dialogue forgot (a ``rewind`` followed by another text) stays a message: the
user did send it (as ``tests/databases.py`` reads the store).

Reading is incremental: a :class:`Conversation` starts from what the index holds (its
last, still open, turn and the :class:`Carry` between turns) and takes the new events.

>>> conversation = Conversation("abc")
>>> for event in [
...     {"event": "user", "timestamp": 10.0, "text": "mon tel 06 12 34 56 78",
...      "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.35}}},
...     {"event": "action", "timestamp": 10.1, "name": "action_two_stage_fallback"},
...     {"event": "bot", "timestamp": 10.2, "text": "Vouliez-vous dire…"},
... ]:
...     conversation.feed(event)
>>> turn = conversation.turns[-1]
>>> turn.text, turn.fallback, [reply.text for reply in turn.replies]
('mon tel 06 •• •• •• 78', True, ['Vouliez-vous dire…'])
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from review.masking import mask, mask_data
from secu.dialogue.booking import REFERENCE, TO_CANCEL
from secu.dialogue.booking_list import cancels_now
from secu.dialogue.turn import Turn
from secu.text import read_yaml

NLU_FALLBACK = "nlu_fallback"
FALLBACK_ACTIONS = frozenset(
    {
        "action_two_stage_fallback",  # Rasa's loop, started by the rule on nlu_fallback
        "action_default_ask_affirmation",  # "vouliez-vous parler de…" (actions/fallback.py)
        "action_default_ask_rephrase",
        "action_default_fallback",  # also the core fallback (config.yml, RulePolicy)
    }
)
HANDOFF_INTENT = "human_handoff"
HANDOFF_ACTION = "action_say_human_handoff"
CANCEL_ACTION = "action_cancel_appointment"
TOPIC_SLOT = "topic"  # the topic of the last procedure answer (domain.yml)
# Rasa's own bookkeeping, never what the assistant did about a message.
SILENT_ACTIONS = frozenset({"action_listen", "action_session_start"})
RESETS = frozenset({"session_started", "restart"})  # the slots start afresh
TOP_INTENTS = 3
RASA_THRESHOLD = 0.3  # the FallbackClassifier's default


def fallback_threshold(config: Path) -> float:
    """The FallbackClassifier's threshold in ``config.yml``: a message understood with a
    lower confidence counts as not understood, as the assistant treats it."""
    for component in read_yaml(config).get("pipeline") or []:
        if isinstance(component, dict) and component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", RASA_THRESHOLD))
    return RASA_THRESHOLD


@dataclass
class Reply:
    """One answer of the assistant: the action that sent it, its text and buttons."""

    action: str | None
    text: str
    buttons: list[str] = field(default_factory=list)


@dataclass
class TurnRecord:
    """One user message (``text`` None: what the assistant said before any) and what
    followed it, up to the next message. Texts are masked."""

    seq: int
    at: float
    text: str | None = None
    intent: str | None = None
    confidence: float | None = None
    ranking: list[tuple[str, float]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    booked: int = 0
    cancelled: int = 0
    row_id: int | None = None  # the index's id, once stored

    @property
    def button(self) -> bool:
        """A button's payload ("/intent{…}"), not typed words."""
        return self.text is not None and self.text.startswith("/")

    @property
    def handoff(self) -> bool:
        """The user asked for a person, or was told how to reach one."""
        return self.intent == HANDOFF_INTENT or HANDOFF_ACTION in self.actions

    @property
    def fallback(self) -> bool:
        """Answered by the fallback. Rasa's two-stage fallback also runs (silently) when
        the user picks one of its guesses: only its answers count."""
        return any(reply.action in FALLBACK_ACTIONS for reply in self.replies)

    def not_understood(self, threshold: float) -> bool:
        """Sent to the fallback, or understood with a confidence below ``threshold``."""
        if self.text is None:
            return False
        unsure = self.confidence is not None and self.confidence < threshold
        return self.fallback or self.intent == NLU_FALLBACK or unsure

    @property
    def last_reply(self) -> Reply | None:
        return self.replies[-1] if self.replies else None


@dataclass
class Carry:
    """What one turn leaves to the next (kept in the index between two readings)."""

    action: str | None = None  # the last action run: the answers that follow are its
    to_cancel: Any = None  # the booking the user was asked to confirm cancelling
    rewound: bool = False  # the last message was taken back (two-stage fallback)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ranking(parse_data: dict[str, Any]) -> list[tuple[str, float]]:
    """The model's best intents (the fallback's own left out), best first."""
    found = []
    for entry in parse_data.get("intent_ranking") or []:
        name = entry.get("name")
        if name and name != NLU_FALLBACK:
            found.append((str(name), round(float(entry.get("confidence") or 0.0), 4)))
    return found[:TOP_INTENTS]


def entities(text: str, parse_data: dict[str, Any]) -> list[dict[str, Any]]:
    """The entities of a message, masked, each with the span of text it covers."""
    found = []
    for entity in parse_data.get("entities") or []:
        start, end = entity.get("start"), entity.get("end")
        spans = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
        found.append(
            {
                "entity": str(entity.get("entity")),
                "value": mask_data(entity.get("value")),
                "start": start if spans else None,
                "end": end if spans else None,
                "span": mask(text[start:end]) if spans else None,
            }
        )
    return found


def user_turn(seq: int, event: dict[str, Any]) -> TurnRecord:
    text = event.get("text") if isinstance(event.get("text"), str) else ""
    parse_data = event.get("parse_data") or {}
    intent = parse_data.get("intent") or {}
    confidence = intent.get("confidence")
    return TurnRecord(
        seq=seq,
        at=float(event.get("timestamp") or 0.0),
        text=mask(text),
        intent=intent.get("name"),
        confidence=round(float(confidence), 4) if confidence is not None else None,
        ranking=ranking(parse_data),
        entities=entities(text, parse_data),
    )


class Conversation:
    """The turns of one conversation, read event by event (see the module's doc)."""

    def __init__(
        self,
        sender: str,
        open_turn: TurnRecord | None = None,
        carry: Carry | None = None,
        next_seq: int = 0,
    ) -> None:
        self.sender = sender
        self.turns: list[TurnRecord] = [open_turn] if open_turn is not None else []
        self.carry = carry or Carry()
        self.next_seq = next_seq
        self.first_at: float | None = None
        self.last_at: float | None = None

    def feed(self, event: dict[str, Any]) -> None:
        timestamp = event.get("timestamp")
        if isinstance(timestamp, int | float):
            self.first_at = timestamp if self.first_at is None else self.first_at
            self.last_at = timestamp
        handler = _HANDLERS.get(str(event.get("event")))
        if handler is not None:
            handler(self, event)

    def current(self, at: float) -> TurnRecord:
        """The turn events go to; answers before any message open one of their own."""
        if not self.turns:
            self.turns.append(TurnRecord(seq=self.next_seq, at=at))
            self.next_seq += 1
        return self.turns[-1]

    def _on_user(self, event: dict[str, Any]) -> None:
        text = event.get("text")
        replayed = self.carry.rewound and self.turns and self.turns[-1].text == mask(text or "")
        self.carry.rewound = False
        if not replayed:
            self.turns.append(user_turn(self.next_seq, event))
            self.next_seq += 1

    def _on_rewind(self, _event: dict[str, Any]) -> None:
        self.carry.rewound = True

    def _on_action(self, event: dict[str, Any]) -> None:
        name = str(event.get("name"))
        self.carry.action = name
        if name in SILENT_ACTIONS:
            return
        turn = self.current(float(event.get("timestamp") or 0.0))
        turn.actions.append(name)
        if name == CANCEL_ACTION:
            asked = Turn(intent=turn.intent, slots={TO_CANCEL: self.carry.to_cancel})
            turn.cancelled += int(cancels_now(asked))

    def _on_bot(self, event: dict[str, Any]) -> None:
        data = event.get("data") or {}
        titles = [str(b.get("title")) for b in data.get("buttons") or [] if isinstance(b, dict)]
        reply = Reply(self.carry.action, mask(str(event.get("text") or "")), mask_data(titles))
        self.current(float(event.get("timestamp") or 0.0)).replies.append(reply)

    def _on_slot(self, event: dict[str, Any]) -> None:
        name, value = event.get("name"), event.get("value")
        if name == TO_CANCEL:
            self.carry.to_cancel = value
        elif name == REFERENCE and value:
            self.current(float(event.get("timestamp") or 0.0)).booked += 1
        elif name == TOPIC_SLOT and value:
            self.current(float(event.get("timestamp") or 0.0)).topics.append(mask(str(value)))

    def _on_reset(self, _event: dict[str, Any]) -> None:
        self.carry.to_cancel = None


_HANDLERS = {
    "user": Conversation._on_user,
    "rewind": Conversation._on_rewind,
    "action": Conversation._on_action,
    "bot": Conversation._on_bot,
    "slot": Conversation._on_slot,
    **{name: Conversation._on_reset for name in RESETS},
}
