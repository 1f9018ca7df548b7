"""The review site's own database (``REVIEW_DB_URL``, ``var/review.db`` by default): an
index of the conversations, filled a little at a time from the tracker store, that the
pages read instead of the store.

- ``rv_turn``: one row per message (and what followed it), masked, indexed by what the
  pages filter on: the not-understood list (flag, day, group) and a conversation (sender,
  order);
- ``rv_conversation``: one row per conversation: where its reading stopped (the Redis
  store's event count and size), its open turn, how it ends;
- ``rv_count``: figures per day, updated as events are indexed (``day``, ``kind``,
  ``key``, ``n``): the overview sums a few hundred rows whatever the store's size;
- ``rv_answer``: an example of each answer the assistant gives (conversation ends);
- ``rv_state``: the reading's cursor and what the index was built with.

The texts kept are masked (:mod:`review.masking`); the counts are anonymous and stay when
a conversation leaves the store (retention, erasure), its texts go with it.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Engine

from addons.retention import overwrite_deleted_rows
from addons.sql_engines import write_ahead_log
from secu.knowledge.db import make_engine

KEY_LENGTH = 200  # group keys, answer keys: longer ones are cut

metadata = MetaData()

state = Table(
    "rv_state",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

conversations = Table(
    "rv_conversation",
    metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("first_at", Float, nullable=False),
    Column("last_at", Float, nullable=False),
    Column("start_day", String(10), nullable=False),
    Column("end_day", String(10), nullable=False),
    Column("end_answer", String(KEY_LENGTH), nullable=False),
    Column("messages", Integer, nullable=False),
    Column("next_seq", Integer, nullable=False),
    Column("open_turn", Integer),  # rv_turn.id of the last turn, which new events extend
    Column("carry", Text, nullable=False),  # JSON: review.turns.Carry
    Column("events", Integer, nullable=False),  # events read (the Redis store's list)
    Column("size", Integer, nullable=False),  # the Redis value's length when read
)

turns = Table(
    "rv_turn",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("at", Float, nullable=False),
    Column("day", String(10), nullable=False),
    Column("text", Text),
    Column("text_key", String(KEY_LENGTH)),
    Column("intent", String(255)),
    Column("confidence", Float),
    Column("ranking", Text, nullable=False),  # JSON
    Column("entities", Text, nullable=False),  # JSON
    Column("actions", Text, nullable=False),  # JSON
    Column("replies", Text, nullable=False),  # JSON
    Column("topics", Text, nullable=False),  # JSON
    Column("answer", String(KEY_LENGTH)),
    Column("button", Boolean, nullable=False),
    Column("fallback", Boolean, nullable=False),
    Column("not_understood", Boolean, nullable=False),
    Column("handoff", Boolean, nullable=False),
    Column("booked", Integer, nullable=False),
    Column("cancelled", Integer, nullable=False),
    Column("annotated", String(255)),  # the intent a reviewer gave it
    UniqueConstraint("sender_id", "seq", name="uq_rv_turn_sender_seq"),
    Index("ix_rv_turn_not_understood", "not_understood", "day", "text_key"),
)

counts = Table(
    "rv_count",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("n", Integer, nullable=False),
)

answers = Table(
    "rv_answer",
    metadata,
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("action", String(255)),
    Column("example", Text, nullable=False),
)


def review_engine(url: str) -> Engine:
    """An engine on the review database, its tables created if missing. On SQLite, deleted
    rows are overwritten (a conversation erased from the store is erased from the files)."""
    engine = overwrite_deleted_rows(make_engine(url))
    if engine.dialect.name == "sqlite":
        write_ahead_log(engine)  # the pages read while the indexer writes
    metadata.create_all(engine)
    return engine


def drop_everything(engine: Engine) -> None:
    """Empties the index (it is rebuilt from the store)."""
    metadata.drop_all(engine)
    metadata.create_all(engine)
