"""`make bench` reports how many of the server's serving processes are still alive at the
end (bench/bench_turns.py): a worker that died at start-up fails no turn, so only this
row shows it."""

from __future__ import annotations

import os
import subprocess
import sys

from bench.processes import children, serving_alive


def test_a_process_serving_alone_counts_itself() -> None:
    assert serving_alive(os.getpid(), 1) == "1 of 1"


def test_workers_are_counted_while_alive_and_not_once_dead() -> None:
    pid = os.getpid()
    before = set(children(pid))
    workers = [
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) for _ in range(2)
    ]
    try:
        assert set(children(pid)) - before == {w.pid for w in workers}
        assert serving_alive(pid, 2 + len(before)) == f"{2 + len(before)} of {2 + len(before)}"
        workers[0].kill()
        workers[0].wait()
        assert serving_alive(pid, 2 + len(before)) == f"{1 + len(before)} of {2 + len(before)}"
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
