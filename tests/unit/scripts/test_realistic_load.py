"""`make bench`'s load in people's words (bench/realistic_load.py): the held-out messages
as typed, the same draw for every variant, every turn timed and every failure counted."""

from __future__ import annotations

import threading

from bench.realistic_load import conversations, held_out_messages, realistic_load


def test_messages_are_read_as_people_typed_them() -> None:
    messages = held_out_messages()
    assert len(messages) >= 200 and len(set(messages)) == len(messages)
    assert not [m for m in messages if "](" in m or "]{" in m]  # annotations removed
    assert any("Bordeaux" in m for m in messages)  # the annotated words themselves kept


def test_every_variant_gets_the_same_twenty_conversations_of_different_messages() -> None:
    plays = conversations()
    assert plays == conversations()
    assert len(plays) == 20 and all(len(set(play)) == 10 for play in plays)
    assert len({tuple(play) for play in plays}) == 20


def test_each_conversation_has_its_sender_and_failures_are_counted() -> None:
    seen: dict[str, list[str]] = {}
    lock = threading.Lock()

    def send(sender: str, message: str) -> tuple[float, bool]:
        with lock:
            seen.setdefault(sender, []).append(message)
        return 12.5, "carte" not in message.lower()

    times, failed, wall = realistic_load(send, "real-test")
    plays = [play for seed in (17, 18, 19) for play in conversations(seed=seed)]
    assert len(seen) == 60  # three conversations a client, each its own sender
    assert sorted(seen.values()) == sorted(plays)  # each in order
    assert seen["real-test-0-3"] == conversations()[3]  # the first draw as before
    assert times == [12.5] * 600 and wall > 0
    assert failed == sum("carte" in m.lower() for play in plays for m in play) > 0
