"""Concurrent conversations in people's own words, for `make bench`.

The benchmark conversation repeats the same ten messages in every conversation: every
cache of the server (spaCy's, the rules', the dialogue states') has seen them after the
first one, and none of them ends in a fallback. People write other things: here each of
the 20 concurrent clients plays three conversations one after the other, each of ten
different messages of the realistic held-out set (tests/nlu_real: questions as people
wrote them in public forums, never trained on), drawn without repeats with fixed seeds,
so that every variant gets the same ones. It
found what the fixed conversation could not (1 December 2026): a two-stage fallback
answered by a new question could loop without end late in a long conversation
(addons/conversation_window.py, addons/action_limit.py).
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = ROOT / "tests" / "nlu_real"
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
"""An entity annotation, ``[Bordeaux](city)`` or ``[33]{"entity": …}``: its text kept."""


def held_out_messages(folder: Path = HELD_OUT) -> list[str]:
    """The realistic held-out messages as typed (annotations removed), each once."""
    texts: list[str] = []
    for path in sorted(folder.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append(ANNOTATION.sub(r"\1", line[2:]).strip())
    return list(dict.fromkeys(text for text in texts if text))


def conversations(count: int = 20, length: int = 10, seed: int = 17) -> list[list[str]]:
    """``count`` conversations of ``length`` different messages each (fixed seed)."""
    messages = held_out_messages()
    draw = random.Random(seed)
    return [draw.sample(messages, length) for _ in range(count)]


ROUNDS = 3
"""Conversations each client plays one after the other: 600 timed turns (the p95 of one
round of 200 turns, two seconds of load, went from 210 to 347 ms for the same code and
server from one round to the next, 1 December 2026)."""


def realistic_load(
    send: Callable[[str, str], tuple[float, bool]], sender_prefix: str, rounds: int = ROUNDS
) -> tuple[list[float], int, float]:
    """Plays the conversations at once, one thread a client, each client its
    conversations of ``rounds`` draws (seeds 17, 18…) back to back, each with its own
    sender: every turn's time (ms), the turns that failed (no answer, the channel's
    apology) and the wall time (s)."""
    draws = [conversations(seed=17 + round_number) for round_number in range(rounds)]

    def talk(index: int) -> list[tuple[float, bool]]:
        turns = []
        for round_number, plays in enumerate(draws):
            sender = f"{sender_prefix}-{round_number}-{index}"
            turns += [send(sender, message) for message in plays[index]]
        return turns

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(draws[0])) as pool:
        turns = [turn for batch in pool.map(talk, range(len(draws[0]))) for turn in batch]
    wall = time.perf_counter() - started
    return [elapsed for elapsed, _ in turns], sum(not ok for _, ok in turns), wall
