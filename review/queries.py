"""What the pages read from the review index: a few indexed queries each, whatever the
number of conversations (the overview sums per-day figures; the not-understood list
groups the flagged messages of the period through their index)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, distinct, func, select, update
from sqlalchemy.engine import Connection

from review import schema
from review.rows import get_state, turn_record
from review.stats import Overview, Period, overview
from review.stores import chunks
from review.turns import TurnRecord

T, C = schema.turns, schema.conversations
VARIANTS = 3  # other wordings shown under a group's example
PAGE = 50  # groups per page of the not-understood list


@dataclass(frozen=True)
class Message:
    """A turn of the index with where it is: its id, conversation, day and annotation."""

    id: int
    sender: str
    day: str
    turn: TurnRecord
    annotated: str | None


@dataclass
class Listed:
    """A message as a list shows it: where it is, what it said, the model's best guesses
    (its answers, actions and entities are left unread)."""

    id: int
    sender: str
    day: str
    seq: int
    text: str
    ranking: list[tuple[str, float]]
    annotated: str | None


@dataclass(frozen=True)
class Group:
    """Near-duplicate messages not understood: how many, the latest, other wordings."""

    key: str
    count: int
    last_day: str
    example: Listed
    variants: list[str]


def message(row: Any) -> Message:
    return Message(row.id, row.sender_id, row.day, turn_record(row), row.annotated)


LISTED = (T.c.id, T.c.sender_id, T.c.day, T.c.seq, T.c.text, T.c.ranking, T.c.annotated)


def listed(row: Any) -> Listed:
    ranking = [(name, value) for name, value in json.loads(row.ranking)]
    return Listed(row.id, row.sender_id, row.day, row.seq, row.text, ranking, row.annotated)


def in_period(period: Period) -> Any:
    return and_(T.c.not_understood.is_(True), T.c.day.between(period.first, period.last))


def read_overview(connection: Connection, period: Period) -> Overview:
    figures = select(schema.counts).where(schema.counts.c.day.between(period.first, period.last))
    rows = [(r.day, r.kind, r.key, r.n) for r in connection.execute(figures)]
    keys = {key for _, kind, key, _ in rows if kind in ("said", "ended")}
    examples: dict[str, tuple[str, str]] = {}
    for part in chunks(sorted(keys)):
        query = select(schema.answers).where(schema.answers.c.key.in_(part))
        examples.update({r.key: (r.action or "", r.example) for r in connection.execute(query)})
    return overview(period, rows, examples)


def not_understood(
    connection: Connection, period: Period, limit: int | None = PAGE, offset: int = 0
) -> tuple[list[Group], int]:
    """The groups of the period, the most frequent first, each with its latest message,
    and how many groups there are (``limit`` None: all of them, for an export)."""
    where = and_(in_period(period), T.c.text_key.is_not(None))
    grouped = (
        select(
            T.c.text_key,
            func.count().label("n"),
            func.max(T.c.id).label("last"),
            func.max(T.c.day).label("last_day"),
        )
        .where(where)
        .group_by(T.c.text_key)
        .subquery()
    )
    latest = (
        select(grouped.c.n, grouped.c.last_day, grouped.c.text_key, *LISTED)
        .join_from(grouped, T, T.c.id == grouped.c.last)
        .order_by(grouped.c.n.desc(), grouped.c.last.desc())
        .limit(limit)
        .offset(offset)
    )
    found = connection.execute(latest).all()
    if limit is None:
        total = len(found)
    else:
        count = select(func.count(distinct(T.c.text_key))).where(where)
        total = connection.execute(count).scalar() or 0
    # every group of the period (an export): no need to name them
    keys = [row.text_key for row in found] if limit is not None else None
    variants = _variants(connection, where, keys)
    groups = []
    for row in found:
        example = listed(row)
        others = [text for text in variants.get(row.text_key, []) if text != example.text]
        groups.append(Group(row.text_key, row.n, row.last_day, example, others[:VARIANTS]))
    return groups, int(total)


def _variants(connection: Connection, where: Any, keys: list[str] | None) -> dict[str, list[str]]:
    """The most frequent wordings of the groups ``keys`` (None: of every group)."""
    if keys is not None:
        where = and_(where, T.c.text_key.in_(keys))
    query = (
        select(T.c.text_key, T.c.text, func.count().label("n"))
        .where(where)
        .group_by(T.c.text_key, T.c.text)
        .order_by(func.count().desc(), T.c.text)
    )
    found: dict[str, list[str]] = {}
    for row in connection.execute(query).all():
        found.setdefault(row.text_key, []).append(row.text)
    return found


@dataclass(frozen=True)
class ConversationView:
    sender: str
    first_at: float
    last_at: float
    messages: int
    turns: list[Message]


def conversation(connection: Connection, sender: str) -> ConversationView | None:
    row = connection.execute(select(C).where(C.c.sender_id == sender)).first()
    if row is None:
        return None
    query = select(T).where(T.c.sender_id == sender).order_by(T.c.seq)
    turns = [message(r) for r in connection.execute(query)]
    return ConversationView(sender, row.first_at, row.last_at, row.messages, turns)


def one_message(connection: Connection, turn_id: int) -> Message | None:
    row = connection.execute(select(T).where(T.c.id == turn_id)).first()
    return message(row) if row is not None else None


def mark_annotated(connection: Connection, text: str, intent: str) -> None:
    """Every message of that text is now annotated (the list says so)."""
    connection.execute(update(T).where(T.c.text == text).values(annotated=intent))


def indexed_at(connection: Connection, zone: dt.tzinfo) -> dt.datetime | None:
    """When the index last read the store."""
    value = get_state(connection, "indexed_at")
    return dt.datetime.fromtimestamp(float(value), zone) if value else None
