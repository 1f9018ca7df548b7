"""Where the time of a turn and of a cold start goes: cProfile inside one Rasa process.

`make profile` runs it. It starts the action server, loads our model in this process
with our endpoints (SQLite tracker store), plays the benchmark conversation in a loop
and writes bench/profile.md: the model load split by stage, then, at turn 10 and at
turn N, the functions that take the most time per turn (cumulative), grouped by part
(NLU, policies, tracker store, actions).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_turns import CONVERSATION  # noqa: E402
from bench.processes import cpu_seconds  # noqa: E402
from bench.realistic_load import held_out_messages  # noqa: E402

PARTS = {
    "NLU (spaCy, featurizers, DIET)": ("rasa/nlu/", "spacy/", "thinc/"),
    "policies (featurisation, TED, rules, memo)": ("rasa/core/policies/", "rasa/core/featurizers/"),
    "tracker store (load, replay, save)": ("rasa/core/tracker_store.py", "addons/tracker_store.py"),
    "custom actions (HTTP to the action server)": ("rasa/core/actions/action.py",),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def table(profile: cProfile.Profile, turns: int, limit: int) -> str:
    stats = pstats.Stats(profile)
    rows = []
    for (filename, line, name), (_, calls, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        rows.append((cumulative / turns * 1000, calls / turns, f"{where}:{line} {name}"))
    rows.sort(reverse=True)
    lines = [
        "| ms per turn (cumulative) | entries per turn (a coroutine: each resumption) | function |",
        "|---:|---:|---|",
    ]
    lines += [f"| {ms:.1f} | {calls:.0f} | `{what}` |" for ms, calls, what in rows[:limit]]
    return "\n".join(lines)


def parts(profile: cProfile.Profile, turns: int) -> str:
    stats = pstats.Stats(profile)
    lines = ["| part | ms per turn (top-level entries) |", "|---|---:|"]
    for label, needles in PARTS.items():
        best = 0.0
        for (filename, _, _), (_, _, _, cumulative, callers) in stats.stats.items():  # type: ignore[attr-defined]
            if not any(n in filename for n in needles):
                continue
            # count a function only when no caller is in the same part (no double count)
            if any(any(n in c[0] for n in needles) for c in callers):
                continue
            best += cumulative
        lines.append(f"| {label} | {best / turns * 1000:.1f} |")
    return "\n".join(lines)


async def play(agent, sender: str, texts: list[str]) -> list[float]:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    times = []
    for text in texts:
        started = time.perf_counter()
        await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender))
        times.append((time.perf_counter() - started) * 1000)
    return times


async def cpu_per_message(agent, action_pid: int, conversations: int) -> str:
    """CPU per message without the profiler: this process's CPU time (every thread:
    TensorFlow's included) around each message, and the action server's CPU time over
    all of them divided by the number of messages (its clock counts 10 ms ticks)."""
    from addons.states_cache import SCAN_COUNTS
    from addons.ted_on_demand import COUNTS

    await play(agent, f"warm-{uuid.uuid4()}", CONVERSATION)
    before = dict(COUNTS)
    scans_before = dict(SCAN_COUNTS)
    rasa_each: list[float] = []
    wall: list[float] = []
    action_before = cpu_seconds([action_pid])
    for _ in range(conversations):
        sender = f"cpu-{uuid.uuid4()}"
        for text in CONVERSATION:
            cpu, started = time.process_time(), time.perf_counter()
            await play(agent, sender, [text])
            rasa_each.append((time.process_time() - cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    actions_ms = (cpu_seconds([action_pid]) - action_before) * 1000 / len(rasa_each)
    scans = {key: SCAN_COUNTS[key] - scans_before[key] for key in SCAN_COUNTS}
    deferred = COUNTS["deferred"] - before["deferred"]
    computed = COUNTS["computed"] - before["computed"]
    rasa = statistics.median(rasa_each)
    return "\n".join(
        [
            f"## CPU per message, not profiled ({conversations} benchmark conversations, "
            f"{len(rasa_each)} messages)",
            "",
            f"- Rasa process: median {rasa:.1f} ms of CPU a message "
            f"(p95 {sorted(rasa_each)[int(len(rasa_each) * 0.95)]:.1f} ms); "
            f"wall time median {statistics.median(wall):.1f} ms",
            f"- action server: {actions_ms:.1f} ms of CPU a message on average",
            f"- together: **{rasa + actions_ms:.1f} ms of CPU a message**",
            f"- TED's predictions: {deferred} asked, {computed} computed "
            f"({deferred - computed} left out because the rules or the memory decided)",
            f"- the dialogue's states (addons/states_cache.py): {scans['started']} scans of the "
            f"events started, {scans['resumed']} resumed, {scans['events']} events replayed "
            f"({scans['events'] / len(rasa_each):.1f} a message)",
            "",
        ]
    )


def unseen_messages(limit: int) -> list[str]:
    """The realistic held-out messages (tests/nlu_real: people's own words, never trained
    on), the first ``limit`` of them: each is new to the process, so no cache of spaCy or
    of the policies has seen it, as with real users (the benchmark conversation repeats
    its ten messages). Read as `make bench`'s load in people's words reads them."""
    return held_out_messages()[:limit]


async def cpu_per_unseen_message(agent, texts: list[str]) -> str:
    """CPU of the Rasa process for a first message never seen before, one conversation
    each, without the profiler."""
    each: list[float] = []
    for text in texts:
        cpu = time.process_time()
        await play(agent, f"new-{uuid.uuid4()}", [text])
        each.append((time.process_time() - cpu) * 1000)
    each.sort()
    return "\n".join(
        [
            f"## CPU per message never seen before ({len(texts)} realistic held-out messages, "
            "tests/nlu_real, each the first of a new conversation)",
            "",
            f"- Rasa process: median {statistics.median(each):.1f} ms of CPU a message "
            f"(p95 {each[int(len(each) * 0.95)]:.1f} ms)",
            "",
        ]
    )


def language_step(texts: list[str], unseen: list[str], repeats: int = 20) -> str:
    """The action server's language step (secu.language: lingua and the rules), timed
    alone: the Rasa process does not run it, so the tables above do not show it (it is
    inside "custom actions"). Each message is read once (``detect``); the other actions
    of its turn reuse that reading (``secu.language.detected``)."""
    from secu.language import detect, get_rules, warm_up

    started = time.perf_counter()
    warm_up()
    loaded = time.perf_counter() - started
    rules = get_rules()

    def per_message(messages: list[str]) -> list[float]:
        each = []
        for text in messages:
            begun = time.perf_counter()
            for _ in range(repeats):
                detect(text, rules)
            each.append((time.perf_counter() - begun) / repeats * 1000)
        return sorted(each)

    ours, theirs = per_message(texts), per_message(unseen)
    return "\n".join(
        [
            "## The language step (action server, secu.language)",
            "",
            f"- loading the detector's models at the action server's start: {loaded:.2f} s",
            f"- a message's first reading, over the {len(texts)} messages of the benchmark "
            f"conversation: median {ours[len(ours) // 2]:.2f} ms, longest {ours[-1]:.2f} ms",
            f"- the same over {len(theirs)} realistic held-out messages: median "
            f"{theirs[len(theirs) // 2]:.2f} ms, longest {theirs[-1]:.2f} ms",
            "",
        ]
    )


async def main_async(args: argparse.Namespace) -> str:
    work = Path(tempfile.mkdtemp(prefix="profile-"))
    action_port = free_port()
    env_updates = {
        "TRACKER_STORE_URL": f"sqlite:///{work / 'tracker.db'}",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
    }
    os.environ.update(env_updates)
    actions = subprocess.Popen(
        [str(ROOT / ".venv/bin/python"), "-m", "actions.server"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "ACTION_PORT": str(action_port)},
        stdout=(work / "actions.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    out = ["# Profile of one Rasa process (bench/profile_turns.py)", ""]
    try:
        started = time.perf_counter()
        load = cProfile.Profile()
        load.enable()
        import rasa.core.agent  # noqa: F401  (the import is part of a cold start)
        from rasa.core.agent import load_agent
        from rasa.core.utils import AvailableEndpoints
        from rasa.utils.log_utils import configure_structlog

        from addons import startup

        startup.install()  # as scripts/launch.py does before Rasa's command line
        configure_structlog(logging.INFO)  # as Rasa's command line does (debug calls skipped)
        imported = time.perf_counter()
        endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
        agent = await load_agent(model_path=args.model, endpoints=endpoints)
        loaded = time.perf_counter()
        await play(agent, f"warm-{uuid.uuid4()}", ["bonjour"])
        load.disable()
        first = time.perf_counter()
        out += [
            "## Cold start in process",
            "",
            f"- importing Rasa (TensorFlow, spaCy, Sanic…): {imported - started:.1f} s",
            f"- loading the model (unpacking, spaCy model, DIET and TED graphs): "
            f"{loaded - imported:.1f} s",
            f"- first answer (first TensorFlow calls): {first - loaded:.1f} s",
            "",
            table(load, 1, args.limit),
            "",
        ]
        sender = f"profile-{uuid.uuid4()}"
        script = (CONVERSATION * (args.turns // len(CONVERSATION) + 1))[: args.turns]
        for label, start, count in (
            ("turns 1-10", 0, 10),
            (f"turns {args.turns - 9}-{args.turns}", args.turns - 10, 10),
        ):
            if start > 10:
                await play(agent, sender, script[10:start])
            profile = cProfile.Profile()
            profile.enable()
            times = await play(agent, sender, script[start : start + count])
            profile.disable()
            median = sorted(times)[len(times) // 2]
            out += [
                f"## {label}: median {median:.0f} ms per turn (profiled, so slower)",
                "",
                parts(profile, count),
                "",
                table(profile, count, args.limit),
                "",
            ]
        out.append(await cpu_per_message(agent, actions.pid, args.conversations))
        unseen = unseen_messages(args.unseen)
        out.append(await cpu_per_unseen_message(agent, unseen))
        out.append(language_step(list(dict.fromkeys(CONVERSATION)), unseen))
    finally:
        actions.terminate()
        actions.wait(timeout=30)
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    parser.add_argument("--turns", type=int, default=500)
    parser.add_argument("--limit", type=int, default=40, help="rows per table")
    parser.add_argument("--conversations", type=int, default=30, help="for the CPU figures")
    parser.add_argument("--unseen", type=int, default=200, help="new messages, for the CPU")
    parser.add_argument("--out", default=str(ROOT / "bench" / "profile.md"))
    args = parser.parse_args()
    report = asyncio.run(main_async(args))
    Path(args.out).write_text(report + "\n", encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
