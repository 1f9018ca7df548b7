"""Side-by-side benchmark: our assistant and stock Rasa on the same data, same machine.

`make bench` runs it. For each variant it starts the real processes and measures:
cold start, latency p50/p95 of one conversation, throughput and p95 at 20 concurrent
conversations (the benchmark's, then people's words: bench/realistic_load.py), peak
memory, and the cost of a turn at turn 1 vs the last turns of a long conversation:

- ``ours``: our model and pipeline, 1 Sanic worker, SQLite tracker store;
- ``stock``: Rasa's default pipeline and policies (the configuration Rasa gives a config
  without pipeline and policies; its networks trained ``BENCH_STOCK_EPOCHS`` epochs, 20 by
  default instead of 100, for time: same networks, same cost per message) trained on our
  same data, with Rasa's own REST channel
  (nothing of ``addons/`` is imported: no answer validator, no log redaction), Rasa's own
  SQLite tracker store (no masking wrapper, no window, no added indexes) and rasa_sdk's
  own action server running the same actions;
- ``ours-2w``: ours with 2 Sanic workers on PostgreSQL and Redis (when PG_URL/REDIS_URL
  are reachable).

Every variant runs on throw-away databases (conversations, knowledge base and agenda in
a temporary folder; a temporary PostgreSQL database for ``ours-2w``), never on the user's
``var/``. A turn answered with the channel's apology counts as failed. The answers of the
benchmark conversation are compared between variants: the messages whose answer differs
from the first variant's are listed (the variants do not always take the same path).

Writes bench/results.json and the table and plot of docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_report import plot, write_report  # noqa: E402
from bench.processes import children, cpu_seconds, peak_rss_mb, serving_alive  # noqa: E402
from bench.realistic_load import realistic_load  # noqa: E402
from bench.stock import stock_model  # noqa: E402

DEGRADED_HEADER = "X-Assistant-Degraded"  # addons/rest_channel.py: an apology, not a reply
BIN = ROOT / ".venv" / "bin"
CONVERSATION = [
    "bonjour",
    "j'ai perdu mon numero de secu",
    "non aucun",
    "je suis ne au maroc, comment avoir un numero ?",
    "et si je suis etudiant ?",
    "quels documents ?",
    "quel est le numero de la cpam ?",
    "j'habite dans le 33",
    "je suis auto entrepreneur, qui gere ma secu ?",
    "merci",
]


SETTLE_SECONDS = 5.0
"""Between the first answer (the cold start) and the timed conversation."""


@dataclass
class Result:
    variant: str
    cold_start_s: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    throughput_msg_s: float = 0.0
    concurrent_p95_ms: float = 0.0
    realistic_msg_s: float = 0.0  # the same in people's words (bench/realistic_load.py)
    realistic_p95_ms: float = 0.0
    # CPU a turn in people's words, by process: the Rasa process(es), the action server,
    # and the load generator itself (it shares the machine's cores with the servers)
    realistic_cpu_rasa_ms: float = 0.0
    realistic_cpu_actions_ms: float = 0.0
    realistic_cpu_client_ms: float = 0.0
    peak_rss_mb: float = 0.0
    turn1_ms: float = 0.0
    turn500_ms: float = 0.0
    errors: int = 0
    serving: str = ""  # serving processes alive at the end, of those started ("2 of 2")
    notes: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # the benchmark conversation's, in order
    long_ms: list[float] = field(default_factory=list)  # every turn of the long conversation

    @property
    def realistic_cpu(self) -> str:
        """The servers' CPU a turn in people's words, and the load generator's beside it."""
        servers = self.realistic_cpu_rasa_ms + self.realistic_cpu_actions_ms
        return (
            f"{servers:.1f} ms ({self.realistic_cpu_rasa_ms:.1f} Rasa + "
            f"{self.realistic_cpu_actions_ms:.1f} actions; load generator "
            f"{self.realistic_cpu_client_ms:.1f})"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def exchange(url: str, sender: str, message: str, timeout: float = 60) -> tuple[float, str | None]:
    """The time of one turn and the answer's text; None when the turn failed (no answer,
    an error, or the French apology our channel gives when the assistant cannot answer)."""
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    answer: str | None = None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            degraded = response.headers.get(DEGRADED_HEADER)
            replies = json.loads(response.read())
            if replies and not degraded:
                answer = "\n".join(str(reply.get("text") or "") for reply in replies)
    except (urllib.error.URLError, OSError, ValueError):
        answer = None
    return (time.perf_counter() - started) * 1000, answer


def send(url: str, sender: str, message: str, timeout: float = 60) -> tuple[float, bool]:
    elapsed, answer = exchange(url, sender, message, timeout)
    return elapsed, answer is not None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


STOCK_ENDPOINTS = """\
action_endpoint:
  url: ${ACTION_ENDPOINT_URL}
tracker_store:
  type: SQL
  dialect: sqlite
  db: ${TRACKER_DB}
"""
"""Rasa's own SQL tracker store and in-memory lock store, as shipped."""
STOCK_CREDENTIALS = "rest:\n"
"""Rasa's own REST channel: nothing of addons/ is imported into the stock server."""


class Servers:
    def __init__(
        self,
        model: Path,
        env: dict[str, str],
        work: Path,
        endpoints: Path | None = None,
        credentials: Path | None = None,
    ) -> None:
        self.model, self.env, self.work = model, env, work
        self.endpoints = endpoints or ROOT / "endpoints.yml"
        self.credentials = credentials or ROOT / "credentials.yml"
        self.processes: list[subprocess.Popen] = []

    def start(self) -> tuple[str, subprocess.Popen, float]:
        action_port, rasa_port = free_port(), free_port()
        ours = self.endpoints == ROOT / "endpoints.yml"
        env = {
            **self.env,
            "ACTION_PORT": str(action_port),
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        }
        log = (self.work / "actions.log").open("ab")
        self.processes.append(
            subprocess.Popen(
                # ours: the action server behind the shared secret (actions/server.py);
                # stock: rasa_sdk's own
                [str(BIN / "python"), "-m", "actions.server"]
                if ours
                else [str(BIN / "rasa"), *("run", "actions", "--port", str(action_port))],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        started = time.perf_counter()
        # ours: started as `make run` starts it (scripts/launch.py installs what the
        # server needs before Rasa's command line runs); stock: Rasa's command line
        rasa_command = (
            [str(BIN / "python"), str(ROOT / "scripts" / "launch.py"), "rasa"]
            if ours
            else [str(BIN / "rasa")]
        )
        options = ["run", "--model", str(self.model), "--port", str(rasa_port)]
        options += ["--credentials", str(self.credentials), "--endpoints", str(self.endpoints)]
        rasa = subprocess.Popen(
            [*rasa_command, *options],
            cwd=ROOT,
            env=env,
            stdout=(self.work / "rasa.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        self.processes.append(rasa)
        url = f"http://127.0.0.1:{rasa_port}"
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if rasa.poll() is not None:
                raise RuntimeError((self.work / "rasa.log").read_text()[-2000:])
            _, ok = send(url, f"warm-{uuid.uuid4()}", "bonjour", timeout=5)
            if ok:
                return url, rasa, time.perf_counter() - started
            time.sleep(0.25)
        raise RuntimeError("no answer after 600 s")

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def measure(
    variant: str, model: Path, env: dict[str, str], turns_long: int, stock: bool = False
) -> Result:
    result = Result(variant)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        endpoints = credentials = None
        if stock:
            endpoints = work / "endpoints.yml"
            endpoints.write_text(STOCK_ENDPOINTS)
            credentials = work / "credentials.yml"
            credentials.write_text(STOCK_CREDENTIALS)
        env = {
            **env,
            "TRACKER_DB": str(work / "tracker.db"),
            "TRACKER_STORE_URL": env.get("TRACKER_STORE_URL") or f"sqlite:///{work}/tracker.db",
            "DATABASE_URL": f"sqlite:///{work / 'assistant.db'}",
            "VAR_DIR": str(work),
            "LOG_DIR": str(work),
        }
        for module in ("secu.knowledge.loader", "secu.agenda.setup"):  # a fresh knowledge base
            subprocess.run(
                [str(BIN / "python"), "-m", module],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        servers = Servers(model, env, work, endpoints, credentials)
        try:
            url, rasa, result.cold_start_s = servers.start()
            # what a server still does after its first answer (ours: TED's warm-up,
            # addons/fast_load.py) is left to finish, for every variant alike, before
            # the steady-state timings
            time.sleep(SETTLE_SECONDS)
            # one conversation, sequential: every turn timed (5 rounds of the script)
            timings: list[float] = []
            for round_number in range(5):
                sender = f"seq-{uuid.uuid4()}"
                for message in CONVERSATION:
                    elapsed, answer = exchange(url, sender, message)
                    timings.append(elapsed)
                    result.errors += answer is None
                    if round_number == 0:
                        result.answers.append(answer or "")
            result.p50_ms = statistics.median(timings)
            result.p95_ms = percentile(timings, 0.95)
            # 20 concurrent conversations
            concurrent: list[float] = []

            def talk(_: int) -> list[float]:
                sender = f"par-{uuid.uuid4()}"
                return [send(url, sender, m)[0] for m in CONVERSATION * 2]

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=20) as pool:
                for batch in pool.map(talk, range(20)):
                    concurrent += batch
            wall = time.perf_counter() - started
            result.throughput_msg_s = len(concurrent) / wall
            result.concurrent_p95_ms = percentile(concurrent, 0.95)
            serving = [rasa.pid, *children(rasa.pid)]
            actions = servers.processes[0].pid
            cpu_before = cpu_seconds(serving), cpu_seconds([actions]), time.process_time()
            real, failed, wall = realistic_load(
                functools.partial(send, url), f"real-{uuid.uuid4()}"
            )
            cpu_after = cpu_seconds(serving), cpu_seconds([actions]), time.process_time()
            rasa_ms, actions_ms, client_ms = (
                (after - before) * 1000 / len(real)
                for before, after in zip(cpu_before, cpu_after, strict=True)
            )
            result.realistic_cpu_rasa_ms = rasa_ms
            result.realistic_cpu_actions_ms = actions_ms
            result.realistic_cpu_client_ms = client_ms
            result.realistic_msg_s = len(real) / wall
            result.realistic_p95_ms = percentile(real, 0.95)
            result.errors += failed
            # turn 1 vs turn N of one long conversation
            sender = f"long-{uuid.uuid4()}"
            long: list[float] = []
            for index in range(turns_long):
                long.append(send(url, sender, CONVERSATION[index % len(CONVERSATION)])[0])
            result.long_ms = [round(x, 1) for x in long]
            result.turn1_ms = statistics.median(long[:10])
            result.turn500_ms = statistics.median(long[-10:])
            result.peak_rss_mb = peak_rss_mb(rasa.pid)
            result.serving = serving_alive(rasa.pid, int(env.get("SANIC_WORKERS") or 1))
        finally:
            servers.stop()
    return result


@contextlib.contextmanager
def throwaway_postgres(server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``server_url``, dropped after."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="ours,stock", help="ours,stock,ours-2w")
    parser.add_argument("--turns", type=int, default=200, help="length of the long conversation")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument(
        "--train-stock-only",
        action="store_true",
        help="train the stock model if its inputs changed (models/stock.tar.gz), measure nothing",
    )
    args = parser.parse_args()
    if args.train_stock_only:
        print(stock_model()[1])
        return 0
    # The user's stores (scripts/env.sh points them at var/) are never used: each variant
    # gets its own (measure(), throwaway_postgres()).
    kept = {k: v for k, v in os.environ.items() if k not in ("TRACKER_STORE_URL", "DATABASE_URL")}
    base_env = {**kept, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    model = ROOT / "models" / "current.tar.gz"
    results: list[Result] = []

    def two_workers() -> Result:
        server = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
        with throwaway_postgres(server) as url:
            env = {
                **base_env,
                "SANIC_WORKERS": "2",
                "LOCK_STORE": "addons.lock_store.AtomicRedisLockStore",
                "TRACKER_STORE_URL": url,
            }
            return measure("ours-2w", model, env, args.turns)

    steps: dict[str, Callable[[], Result]] = {
        "ours": lambda: measure("ours", model, base_env, args.turns),
        "ours-2w": two_workers,
    }
    for variant in args.variants.split(","):
        if variant == "stock":
            stock, how = stock_model()
            result = measure("stock", stock, base_env, args.turns, stock=True)
            result.notes.append(how)
        else:
            result = steps[variant]()
        print(json.dumps(asdict(result), ensure_ascii=False), flush=True)
        results.append(result)
    Path(args.out).write_text(
        json.dumps([asdict(r) for r in results], indent=2, ensure_ascii=False), encoding="utf-8"
    )
    write_report(results, Path(args.out).with_suffix(".md"), CONVERSATION)
    plot(results, Path(args.out).with_suffix(".png"))
    print(Path(args.out).with_suffix(".md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
