"""`make bench` reports the CPU a turn in people's words costs each process
(bench/bench_turns.py): the Rasa process(es), the action server and the load generator,
which shares the machine's cores with the servers."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.bench_report import write_report
from bench.bench_turns import Result
from bench.processes import cpu_seconds

BUSY = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass\n"


def test_the_cpu_a_process_used_is_counted_and_a_gone_one_counts_nothing() -> None:
    worker = subprocess.Popen([sys.executable, "-c", BUSY + "time.sleep(60)"])
    try:
        deadline = time.monotonic() + 30
        while cpu_seconds([worker.pid]) < 0.5 and time.monotonic() < deadline:
            time.sleep(0.05)
        used = cpu_seconds([worker.pid])
        assert 0.5 <= used < 5
        assert cpu_seconds([worker.pid, worker.pid]) == 2 * cpu_seconds([worker.pid])
    finally:
        worker.kill()
        worker.wait()
    assert cpu_seconds([worker.pid]) == 0.0


def test_the_report_shows_the_servers_cpu_and_the_load_generators(tmp_path: Path) -> None:
    result = Result(
        "ours",
        realistic_cpu_rasa_ms=15.24,
        realistic_cpu_actions_ms=3.51,
        realistic_cpu_client_ms=1.02,
    )
    report = tmp_path / "results.md"
    write_report([result], report, [])
    row = next(line for line in report.read_text().splitlines() if line.startswith("| CPU"))
    assert row.endswith("| 18.8 ms (15.2 Rasa + 3.5 actions; load generator 1.0) |")
