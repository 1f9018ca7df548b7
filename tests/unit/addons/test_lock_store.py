"""The atomic Redis lock store: one turn at a time per conversation, across processes.

Needs a Redis server (TEST_REDIS_URL, set in CI); the stores below are separate clients,
as two Rasa processes would be.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import pytest
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
