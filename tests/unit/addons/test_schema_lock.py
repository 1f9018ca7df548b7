"""Workers that start at once create the conversation store's schema one at a time
(addons/schema_lock.py): a second creator waits for the first, stores built at the same
moment on a new database all work, and a store the lock cannot reach still starts."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from sqlalchemy import create_engine, inspect

from addons.schema_lock import schema_lock
from addons.sql_engines import EVENT_INDEXES
from addons.tracker_store import RedactingTrackerStore, inner_settings
from tests.databases import new_store_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with new_store_url(request.param, tmp_path, "schema") as url:
        yield url


def test_a_second_creator_waits_until_the_first_is_done(database: str) -> None:
    settings = inner_settings({"url": database})
    order: list[str] = []

    def second() -> None:
        with schema_lock(settings):
            order.append("second creates")

    with schema_lock(settings):
        waiting = threading.Thread(target=second)
        waiting.start()
        time.sleep(0.5)  # time enough for the second to get in, were it not held off
        order.append("first done")
    waiting.join(timeout=30)
    assert order == ["first done", "second creates"]


def test_stores_built_at_the_same_moment_on_a_new_database_all_work(database: str) -> None:
    starters = 3
    barrier = threading.Barrier(starters)
    built: list[RedactingTrackerStore] = []
    errors: list[BaseException] = []

    def start_worker() -> None:
        barrier.wait()
        try:
            built.append(RedactingTrackerStore(Domain.empty(), inner={"url": database}))
        except BaseException as error:  # reported below, with the others
            errors.append(error)

    threads = [threading.Thread(target=start_worker) for _ in range(starters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(built) == starters
    engine = create_engine(database)
    indexes = {index["name"] for index in inspect(engine).get_indexes("events")}
    engine.dispose()
    assert set(EVENT_INDEXES) <= indexes


def test_without_a_reachable_database_the_block_still_runs() -> None:
    unreachable = inner_settings({"url": "postgresql://nobody@127.0.0.1:1/none"})
    ran = []
    with schema_lock(unreachable):
        ran.append(True)
    assert ran == [True]


@pytest.mark.parametrize(
    "settings",
    [
        {"type": "redis", "url": "localhost"},
        {},
        {"type": "SQL", "dialect": "sqlite", "db": ":memory:"},
    ],
)
def test_stores_without_a_shared_schema_take_no_lock(settings: dict) -> None:
    # held twice in one thread: a lock would wait for itself forever
    with schema_lock(settings), schema_lock(settings):
        pass
