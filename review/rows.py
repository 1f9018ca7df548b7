"""The review index's rows: turns and conversations read back as :mod:`review.turns`
objects, new and changed ones written in a few statements per batch, the per-day figures
moved by upserts (SQLite and PostgreSQL both have ``INSERT … ON CONFLICT``)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from sqlalchemy import and_, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from review import schema
from review.stats import (
    NO_ANSWER,
    CountKey,
    answer_key,
    conversation_counts,
    day_of,
    difference,
    group_key,
    turn_counts,
)
from review.stores import chunks
from review.turns import Carry, Conversation, Reply, TurnRecord

T, C = schema.turns, schema.conversations


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def upsert(
    connection: Connection, table: Any, values: list[dict[str, Any]], update: dict[str, Any]
) -> None:
    """Inserts ``values``; on a primary key already there, sets ``update`` (a function of
    the statement's ``excluded`` row) or, when empty, leaves the row as it is."""
    if not values:
        return
    dialect = {"sqlite": sqlite, "postgresql": postgresql}[connection.dialect.name]
    statement = dialect.insert(table)
    keys = [column.name for column in table.primary_key.columns]
    if update:
        set_ = {name: make(statement.excluded) for name, make in update.items()}
        statement = statement.on_conflict_do_update(index_elements=keys, set_=set_)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    connection.execute(statement, values)


LOCK = "lock"  # the state row an indexer locks for its transaction (PostgreSQL)


def take_lock(connection: Connection) -> None:
    """Waits for, then holds until the transaction ends, the index's write lock."""
    connection.execute(
        select(schema.state.c.value).where(schema.state.c.name == LOCK).with_for_update()
    )


def get_state(connection: Connection, name: str) -> str | None:
    query = select(schema.state.c.value).where(schema.state.c.name == name)
    return connection.execute(query).scalar()


def set_state(connection: Connection, name: str, value: str) -> None:
    upsert(connection, schema.state, [{"name": name, "value": value}], {"value": lambda x: x.value})


def turn_record(row: Any) -> TurnRecord:
    """A turn as the index holds it."""
    return TurnRecord(
        seq=row.seq,
        at=row.at,
        text=row.text,
        intent=row.intent,
        confidence=row.confidence,
        ranking=[tuple(pair) for pair in json.loads(row.ranking)],
        entities=json.loads(row.entities),
        actions=json.loads(row.actions),
        replies=[Reply(*reply) for reply in json.loads(row.replies)],
        topics=json.loads(row.topics),
        booked=row.booked,
        cancelled=row.cancelled,
        row_id=row.id,
    )


@dataclass
class Stored:
    """A conversation as the index holds it, and its open (last) turn."""

    row: Any
    open_turn: TurnRecord | None


def read_conversations(connection: Connection, senders: Sequence[str]) -> dict[str, Stored]:
    found: dict[str, Stored] = {}
    for part in chunks(senders):
        for row in connection.execute(select(C).where(C.c.sender_id.in_(part))):
            found[row.sender_id] = Stored(row, None)
        opened: Select = (
            select(T)
            .join(C, and_(C.c.sender_id == T.c.sender_id, T.c.seq == C.c.next_seq - 1))
            .where(C.c.sender_id.in_(part))
        )
        for row in connection.execute(opened):
            found[row.sender_id].open_turn = turn_record(row)
    return found


def read_positions(
    connection: Connection, senders: Sequence[str] | None = None
) -> dict[str, tuple[int, int]]:
    """The events read and the size (the Redis store's) of these conversations (None: of
    every conversation)."""
    query = select(C.c.sender_id, C.c.events, C.c.size)
    if senders is None:
        return {row.sender_id: (row.events, row.size) for row in connection.execute(query)}
    found: dict[str, tuple[int, int]] = {}
    for part in chunks(senders):
        rows = connection.execute(query.where(C.c.sender_id.in_(part)))
        found.update({row.sender_id: (row.events, row.size) for row in rows})
    return found


def remove_conversations(connection: Connection, senders: Sequence[str]) -> None:
    """Their texts leave the index; their per-day figures stay (anonymous)."""
    for part in chunks(senders):
        connection.execute(delete(T).where(T.c.sender_id.in_(part)))
        connection.execute(delete(C).where(C.c.sender_id.in_(part)))


@dataclass
class Writes:
    """What a batch writes, gathered to be written a statement per kind."""

    new_turns: list[dict[str, Any]] = field(default_factory=list)
    changed_turns: list[dict[str, Any]] = field(default_factory=list)
    new_conversations: list[dict[str, Any]] = field(default_factory=list)
    changed_conversations: list[dict[str, Any]] = field(default_factory=list)
    examples: dict[str, dict[str, Any]] = field(default_factory=dict)

    def flush(self, connection: Connection, moved: Mapping[CountKey, int]) -> None:
        if self.new_turns:
            connection.execute(T.insert(), self.new_turns)
        if self.changed_turns:
            where = and_(T.c.sender_id == bindparam("b_sender"), T.c.seq == bindparam("b_seq"))
            values = {name: bindparam(name) for name in self.changed_turns[0] if name[:2] != "b_"}
            connection.execute(T.update().where(where).values(values), self.changed_turns)
        if self.new_conversations:
            connection.execute(C.insert(), self.new_conversations)
        if self.changed_conversations:
            where = C.c.sender_id == bindparam("b_sender")
            first = self.changed_conversations[0]
            values = {name: bindparam(name) for name in first if name != "b_sender"}
            connection.execute(C.update().where(where).values(values), self.changed_conversations)
        figures = [
            {"day": day, "kind": kind, "key": key, "n": n} for (day, kind, key), n in moved.items()
        ]
        upsert(connection, schema.counts, figures, {"n": lambda x: schema.counts.c.n + x.n})
        upsert(connection, schema.answers, list(self.examples.values()), {})


@dataclass
class Resumed:
    """A conversation read on from where the index left it."""

    conversation: Conversation
    before: Counter[CountKey]  # what it counted for before the new events
    stored: Any  # its row in the index, None when it is new


class RowMaker:
    """Turns and conversations into rows, and the figures they count for."""

    def __init__(self, threshold: float, zone: tzinfo) -> None:
        self.threshold = threshold
        self.zone = zone

    def counts(self, turns: Iterable[TurnRecord]) -> Counter[CountKey]:
        counted: Counter[CountKey] = Counter()
        for turn in turns:
            counted.update(turn_counts(turn, day_of(turn.at, self.zone), self.threshold))
        return counted

    def resume(self, sender: str, stored: Stored | None) -> Resumed:
        """The conversation as the index left it, and what it counts for so far (its open
        turn and itself: the rest cannot change)."""
        if stored is None:
            return Resumed(Conversation(sender), Counter(), None)
        row = stored.row
        carry = Carry(**json.loads(row.carry))
        conversation = Conversation(sender, stored.open_turn, carry, row.next_seq)
        conversation.first_at, conversation.last_at = row.first_at, row.last_at
        before = self.counts([stored.open_turn] if stored.open_turn else [])
        before.update(conversation_counts(row.start_day, row.end_day, row.end_answer))
        return Resumed(conversation, before, row)

    def turn_row(self, sender: str, turn: TurnRecord) -> dict[str, Any]:
        typed = turn.text is not None and not turn.button
        return {
            "sender_id": sender,
            "seq": turn.seq,
            "at": turn.at,
            "day": day_of(turn.at, self.zone),
            "text": turn.text,
            "text_key": group_key(turn.text) if typed and turn.text else None,
            "intent": turn.intent,
            "confidence": turn.confidence,
            "ranking": _dumps(turn.ranking),
            "entities": _dumps(turn.entities),
            "actions": _dumps(turn.actions),
            "replies": _dumps([[r.action, r.text, r.buttons] for r in turn.replies]),
            "topics": _dumps(turn.topics),
            "answer": answer_key(turn.last_reply) if turn.replies else None,
            "button": turn.button,
            "fallback": turn.fallback,
            "not_understood": turn.not_understood(self.threshold),
            "handoff": turn.handoff,
            "booked": turn.booked,
            "cancelled": turn.cancelled,
        }

    def store(
        self, resumed: Resumed, writes: Writes, position: tuple[int, int]
    ) -> dict[CountKey, int]:
        """Adds the conversation's rows to ``writes``; returns how its figures moved.
        ``position``: the events read so far and the value's size (Redis)."""
        conversation, stored = resumed.conversation, resumed.stored
        for turn in conversation.turns:
            row = self.turn_row(conversation.sender, turn)
            if turn.row_id is None:
                writes.new_turns.append(row)
            else:
                writes.changed_turns.append(
                    {**row, "b_sender": row["sender_id"], "b_seq": turn.seq}
                )
            for reply in turn.replies:
                key = answer_key(reply)
                writes.examples.setdefault(
                    key, {"key": key, "action": reply.action, "example": reply.text}
                )
        end = self._end(conversation, stored)
        after = self.counts(conversation.turns)
        after.update(conversation_counts(end["start_day"], end["end_day"], end["end_answer"]))
        new_messages = sum(t.text is not None for t in conversation.turns if t.row_id is None)
        events, size = position
        row = {
            **end,
            "messages": (stored.messages if stored else 0) + new_messages,
            "next_seq": conversation.next_seq,
            "carry": _dumps(conversation.carry.as_dict()),
            "events": events,
            "size": size,
        }
        if stored is None:
            writes.new_conversations.append({"sender_id": conversation.sender, **row})
        else:
            writes.changed_conversations.append({"b_sender": conversation.sender, **row})
        return difference(after, resumed.before)

    def _end(self, conversation: Conversation, stored: Any) -> dict[str, Any]:
        """When the conversation started and ended, and its last answer."""
        first = conversation.first_at if conversation.first_at is not None else 0.0
        last = conversation.last_at if conversation.last_at is not None else first
        replies = [reply for turn in conversation.turns for reply in turn.replies]
        if replies:
            end_answer = answer_key(replies[-1])
        else:
            end_answer = stored.end_answer if stored is not None else NO_ANSWER
        return {
            "first_at": first,
            "last_at": last,
            "start_day": day_of(first, self.zone),
            "end_day": day_of(last, self.zone),
            "end_answer": end_answer,
        }
