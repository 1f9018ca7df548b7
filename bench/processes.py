"""The server processes `make bench` measures (bench/bench_turns.py): Sanic's workers,
their CPU time, peak memory and how many are still serving (Linux /proc)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Sanic's workers when there are several)."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time of the processes so far (Linux /proc, in clock ticks); a
    process that is gone counts for nothing."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """VmHWM of the process and its children (Sanic workers), in MB."""
    total = 0.0
    for one in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def serving_alive(pid: int, workers: int) -> str:
    """Serving processes alive, of those started (a dead worker fails no turn, 1 Dec. 2026)."""
    alive = int(Path(f"/proc/{pid}").exists()) if workers <= 1 else len(children(pid))
    return f"{alive} of {workers}"
