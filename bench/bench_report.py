"""The report of `make bench` (bench/bench_turns.py): the table of docs/performance.md,
the messages each variant answers differently, and the plot of a long conversation."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.bench_turns import Result


def write_report(results: list[Result], path: Path, conversation: list[str]) -> None:
    rows = [
        ("cold start (process start → first answer)", "cold_start_s", "{:.1f} s"),
        ("latency p50, one conversation", "p50_ms", "{:.0f} ms"),
        ("latency p95, one conversation", "p95_ms", "{:.0f} ms"),
        ("throughput, 20 concurrent conversations", "throughput_msg_s", "{:.1f} msg/s"),
        ("p95 at 20 concurrent conversations", "concurrent_p95_ms", "{:.0f} ms"),
        (
            "throughput, 20 concurrent clients in people's words (3 conversations each)",
            "realistic_msg_s",
            "{:.1f} msg/s",
        ),
        (
            "p95, 20 concurrent clients in people's words (3 conversations each)",
            "realistic_p95_ms",
            "{:.0f} ms",
        ),
        (
            "CPU a turn in people's words (the servers; the load generator beside)",
            "realistic_cpu",
            "{}",
        ),
        ("peak memory of the Rasa process(es)", "peak_rss_mb", "{:.0f} MB"),
        ("turn cost, turns 1-10 (median)", "turn1_ms", "{:.0f} ms"),
        ("turn cost, last 10 turns of the long conversation (median)", "turn500_ms", "{:.0f} ms"),
        ("failed turns", "errors", "{}"),
        ("serving processes alive at the end", "serving", "{}"),
    ]
    header = "| measure | " + " | ".join(r.variant for r in results) + " |"
    lines = [header, "|---|" + "---|" * len(results)]
    for label, key, fmt in rows:
        lines.append(
            f"| {label} | " + " | ".join(fmt.format(getattr(r, key)) for r in results) + " |"
        )
    lines += differing_answers(results, conversation)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def differing_answers(results: list[Result], conversation: list[str]) -> list[str]:
    """The benchmark conversation's messages answered differently than by the first
    variant: the timings compare the same work only where the answers are the same."""
    if len(results) < 2:
        return []
    first = results[0]
    lines = ["", f"Messages answered differently than by `{first.variant}`:", ""]
    for other in results[1:]:
        differing = [
            f"`{message}`"
            for message, mine, theirs in zip(
                conversation, first.answers, other.answers, strict=True
            )
            if mine != theirs
        ]
        lines.append(
            f"- `{other.variant}`: {len(differing)} of {len(conversation)}"
            + (f" ({', '.join(differing)})" if differing else "")
        )
    return lines


def plot(results: list[Result], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(8, 4))
    for result in results:
        window = 10
        series = result.long_ms
        smooth = [statistics.median(series[max(0, i - window) : i + 1]) for i in range(len(series))]
        axis.plot(range(1, len(series) + 1), smooth, label=result.variant)
    axis.set_xlabel("turn of one conversation")
    axis.set_ylabel("answer time (ms, rolling median of 10)")
    axis.set_title("Cost of a turn as a conversation grows")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
