"""Scale-out with Rasa's own parts: two Rasa processes share one conversation through
the PostgreSQL tracker store and the Redis lock store (run when TEST_POSTGRES_URL and
TEST_REDIS_URL are set, as in CI)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import POSTGRES, Assistant, Servers, free_port, running_assistant
from sqlalchemy.engine import make_url

from tests.databases import as_text, scratch_postgres, stored_events, turn_shape, user_turns

REDIS = os.environ.get("TEST_REDIS_URL")


@pytest.fixture(scope="module")
def two_rasa_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[str], str]]:
    if not (POSTGRES and REDIS):
        pytest.skip("TEST_POSTGRES_URL and TEST_REDIS_URL not set")
    redis = make_url(REDIS)
    with scratch_postgres("scale") as database:
        url = as_text(database)
        extra = {
            "TRACKER_STORE_URL": url,
            "LOCK_STORE": "addons.lock_store.AtomicRedisLockStore",
            "REDIS_HOST": redis.host or "127.0.0.1",
            "REDIS_PORT": str(redis.port or 6379),
            "REDIS_LOCK_DB": str(redis.database or 0),
        }
        work: Path = tmp_path_factory.mktemp("scale")
        with running_assistant(work, extra_env=extra) as first:
            second = Servers(work / "second", {**first.servers.env}, first.servers.endpoints)
            (work / "second").mkdir()
            second.env["RASA_PORT"] = str(free_port())
            second.start_rasa()
            try:
                second.wait_for_rasa()
                yield [first.rasa_url, f"http://127.0.0.1:{second.env['RASA_PORT']}"], url
            finally:
                second.stop_rasa()


def user_texts(url: str, sender: str) -> list[str]:
    return user_turns(stored_events(url, sender))


def test_turns_alternate_between_two_processes_and_land_once_in_order(
    two_rasa_processes,
) -> None:
    urls, database = two_rasa_processes
    turns = [
        "bonjour",
        "je voudrais un rendez-vous",
        "c'est pour ma carte vitale",
        "par telephone",
        "j'habite dans le 33",
        "laisse tomber",
        "quel est le numero de la cpam ?",
        "merci",
    ]
    sender = f"scale-{uuid.uuid4()}"
    answers = []
    for index, turn in enumerate(turns):
        answers.append(Assistant(urls[index % 2], Path(), Path()).send(sender, turn))
    assert all(answers)
    assert "département" in answers[3][0]["text"]  # the form went on across processes
    assert user_texts(database, sender) == turns


def test_the_same_conversation_hit_on_both_processes_at_once(two_rasa_processes) -> None:
    """The Redis lock serialises the turns: none is lost, doubled or interleaved."""
    urls, database = two_rasa_processes
    sender = f"scale-{uuid.uuid4()}"
    turns = [f"bonjour {n}" for n in range(10)]
    with ThreadPoolExecutor(max_workers=len(turns)) as pool:
        answers = list(
            pool.map(
                lambda pair: Assistant(urls[pair[0] % 2], Path(), Path()).send(sender, pair[1]),
                enumerate(turns),
            )
        )
    assert all(answers)
    stored = user_texts(database, sender)
    assert sorted(stored) == sorted(turns)
    # each turn ends (the bot listens again) before the next one starts
    assert turn_shape(stored_events(database, sender))[1:] == ["user", "listen"] * len(turns)
