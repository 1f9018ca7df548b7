"""The atomic Redis lock store: one turn at a time per conversation, across processes.

Needs a Redis server (TEST_REDIS_URL, set in CI); the stores below are separate clients,
as two Rasa processes would be.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import pytest
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, _create_from_endpoint_config
from rasa.core.utils import number_of_sanic_workers
from rasa.utils.endpoints import EndpointConfig

from addons.lock_store import AtomicRedisLockStore

REDIS = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS, reason="TEST_REDIS_URL not set")


def redis_settings() -> dict[str, object]:
    url = urlparse(REDIS or "")
    return {
        "host": url.hostname or "127.0.0.1",
        "port": url.port or 6379,
        "db": int((url.path or "/0").lstrip("/") or 0),
    }


def new_store() -> AtomicRedisLockStore:
    return AtomicRedisLockStore(**redis_settings())


def test_tickets_issued_at_the_same_moment_by_many_clients_are_all_different() -> None:
    conversation = f"race-{uuid.uuid4()}"
    stores = [new_store() for _ in range(8)]
    start = threading.Barrier(len(stores))

    def issue(store: AtomicRedisLockStore) -> list[int]:
        start.wait()
        return [store.issue_ticket(conversation) for _ in range(25)]

    with ThreadPoolExecutor(max_workers=len(stores)) as pool:
        tickets = [number for numbers in pool.map(issue, stores) for number in numbers]
    assert len(tickets) == 200
    assert len(set(tickets)) == 200
    lock = stores[0].get_lock(conversation)
    assert lock is not None and len(lock.tickets) == 200
    stores[0].delete_lock(conversation)


def test_turns_of_one_conversation_never_overlap_across_processes() -> None:
    conversation = f"turns-{uuid.uuid4()}"
    inside, most_inside, served = [0], [0], []
    guard = threading.Lock()

    async def turn(store: AtomicRedisLockStore, name: str) -> None:
        async with store.lock(conversation):
            with guard:
                inside[0] += 1
                most_inside[0] = max(most_inside[0], inside[0])
            await asyncio.sleep(0.02)
            with guard:
                inside[0] -= 1
                served.append(name)

    def process(index: int) -> None:
        store = new_store()  # one client per "process", each with its own event loop

        async def many() -> None:
            await asyncio.gather(*(turn(store, f"{index}-{n}") for n in range(5)))

        asyncio.run(many())

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(process, range(3)))
    assert most_inside[0] == 1
    assert sorted(served) == sorted(f"{i}-{n}" for i in range(3) for n in range(5))
    assert new_store().get_lock(conversation) is None  # given back when nobody waits


def test_a_lock_left_by_a_crashed_process_expires_by_itself() -> None:
    store = new_store()
    conversation = f"crash-{uuid.uuid4()}"
    store.issue_ticket(conversation, lock_lifetime=0.2)  # and never given back
    ttl = store.red.pttl(store.key_prefix + conversation)
    assert 0 < ttl <= 5_300

    async def next_turn() -> str:
        async with store.lock(conversation):
            return "served"

    assert asyncio.run(asyncio.wait_for(next_turn(), 5)) == "served"


def test_redis_down_is_a_lock_error_not_a_hang() -> None:
    settings = {**redis_settings(), "port": 1, "socket_timeout": 1}
    with pytest.raises(LockError):
        AtomicRedisLockStore(**settings).issue_ticket("anyone")


def test_endpoints_yml_builds_it_and_rasa_allows_several_workers(monkeypatch) -> None:
    settings = redis_settings()
    config = EndpointConfig.from_dict(
        {
            "type": "addons.lock_store.AtomicRedisLockStore",
            "url": settings["host"],
            "port": settings["port"],
            "db": settings["db"],
        }
    )
    store = _create_from_endpoint_config(config)
    assert isinstance(store, AtomicRedisLockStore)
    monkeypatch.setenv("SANIC_WORKERS", "2")
    assert number_of_sanic_workers(store) == 2
    assert number_of_sanic_workers(config) == 2


def test_the_lock_is_stored_as_rasa_stores_it_and_read_back_by_rasa() -> None:
    store = new_store()
    conversation = f"format-{uuid.uuid4()}"
    # a lock written by Rasa's own code (another process, an older version) is continued
    written = TicketLock(conversation)
    written.issue_ticket(10.0)
    store.red.set(store.key_prefix + conversation, written.dumps())
    assert store.issue_and_serving(conversation, 10.0) == (1, 0)
    lock = store.get_lock(conversation)  # Rasa's reading of what the script wrote
    assert lock is not None and [t.number for t in lock.tickets] == [0, 1]
    assert all(9.0 < t.expires - time.time() <= 10.0 for t in lock.tickets)
    store.finish_serving(conversation, 0)
    lock = store.get_lock(conversation)
    assert lock is not None and lock.now_serving == 1
    store.finish_serving(conversation, 1)
    assert store.get_lock(conversation) is None


def test_expired_tickets_are_dropped_and_numbering_goes_on() -> None:
    store = new_store()
    conversation = f"expired-{uuid.uuid4()}"
    assert store.issue_and_serving(conversation, 0.05) == (0, 0)
    assert store.issue_and_serving(conversation, 10.0) == (1, 0)  # 0 still served
    time.sleep(0.1)
    assert store.issue_and_serving(conversation, 10.0) == (2, 1)  # 0 expired
    store.update_lock(conversation)
    lock = store.get_lock(conversation)
    assert lock is not None and [t.number for t in lock.tickets] == [1, 2]
    store.delete_lock(conversation)


def test_an_uncontested_turn_costs_two_round_trips_to_redis() -> None:
    store = new_store()
    conversation = f"trips-{uuid.uuid4()}"

    async def turn() -> str:
        async with store.lock(conversation):
            return "served"

    asyncio.run(turn())  # the server learns the scripts (SCRIPT LOAD) on their first use
    sent: list[str] = []
    original = store.red.execute_command

    def counted(*args: object, **kwargs: object) -> object:
        sent.append(str(args[0]))
        return original(*args, **kwargs)

    store.red.execute_command = counted  # type: ignore[method-assign]
    assert asyncio.run(turn()) == "served"
    assert asyncio.run(turn()) == "served"
    assert sent == ["EVALSHA"] * 4
    assert store.get_lock(conversation) is None


def test_a_turn_whose_ticket_expired_while_waiting_is_a_lock_error() -> None:
    store = new_store()
    conversation = f"stale-{uuid.uuid4()}"
    store.issue_ticket(conversation, lock_lifetime=0.3)  # held, never given back

    async def late_turn() -> None:
        async with store.lock(conversation, lock_lifetime=0.1):
            pass

    with pytest.raises(LockError):
        asyncio.run(asyncio.wait_for(late_turn(), 5))
