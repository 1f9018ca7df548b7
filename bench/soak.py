"""Load/soak run: 20 conversations at once for 10 minutes against the real servers.

`make soak` runs it (not part of `make test`). Each of the 20 clients plays the
benchmark conversation again and again, each round as a new conversation, for
``--seconds``. At the end it checks, in the tracker store, that every message sent is
stored once and in order in its conversation, and writes bench/soak.json and a
Markdown summary (docs/performance.md quotes it). Exit code 1 on any error.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_turns import (
    CONVERSATION,
    ROOT,
    Servers,
    percentile,
    send,
)
from bench.processes import peak_rss_mb


def stored_user_texts(url: str) -> dict[str, list[str]]:
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id")
        ).fetchall()
    engine.dispose()
    stored: dict[str, list[str]] = {}
    for sender, data in rows:
        stored.setdefault(sender, []).append(json.loads(data).get("text"))
    return stored


def soak(seconds: float, clients: int, env: dict[str, str], work: Path) -> dict:
    tracker_url = env["TRACKER_STORE_URL"]
    servers = Servers(ROOT / "models" / "current.tar.gz", env, work)
    sent: dict[str, list[str]] = {}
    latencies: list[float] = []
    errors: list[str] = []
    guard = threading.Lock()
    try:
        url, rasa, cold = servers.start()
        deadline = time.monotonic() + seconds

        def client(index: int) -> None:
            while time.monotonic() < deadline:
                sender = f"soak-{index}-{uuid.uuid4().hex[:12]}"
                for message in CONVERSATION:
                    elapsed, ok = send(url, sender, message, timeout=30)
                    with guard:
                        sent.setdefault(sender, []).append(message)
                        latencies.append(elapsed)
                        if not ok:
                            errors.append(f"{sender}: no answer to {message!r}")

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(client, range(clients)))
        wall = time.perf_counter() - started
        memory = peak_rss_mb(rasa.pid)
    finally:
        servers.stop()
    stored = stored_user_texts(tracker_url)
    lost_or_doubled = [s for s, texts in sent.items() if stored.get(s) != texts]
    return {
        "seconds": round(wall, 1),
        "clients": clients,
        "cold_start_s": round(cold, 1),
        "messages": len(latencies),
        "conversations": len(sent),
        "throughput_msg_s": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(max(latencies), 1),
        "errors": len(errors),
        "first_errors": errors[:5],
        "conversations_not_stored_exactly": len(lost_or_doubled),
        "peak_rss_mb": round(memory),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--out", default=str(ROOT / "bench" / "soak.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "RASA_TELEMETRY_ENABLED": "false",
            "TRACKER_DB": str(work / "tracker.db"),
            "TRACKER_STORE_URL": f"sqlite:///{work / 'tracker.db'}",
            "LOG_DIR": str(work),
        }
        result = soak(args.seconds, args.clients, env, work)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    failed = result["errors"] or result["conversations_not_stored_exactly"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
