"""Charts as geometry: the templates draw them as inline SVG (``templates/charts.html``),
with a title, a description and the same figures in a table for those who cannot see
them. Nothing is downloaded, no script runs.

>>> chart = columns([{"day": "2026-11-27", "conversations": 2, "messages": 8}])
>>> [(bar.series, bar.value, bar.height) for bar in chart.bars]
[('conversations', 2, 32.0), ('messages', 8, 128.0)]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 160  # the plotting area of a column chart
LEFT = 48  # room for the axis's figures
BOTTOM = 40  # room for the days
TOP = 12
ROW = 26  # one bar of a bar chart
LABEL = 220  # room for a bar's label
SERIES = ("conversations", "messages")
MOST_DAY_LABELS = 12


@dataclass(frozen=True)
class Column:
    series: str
    day: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class DayLabel:
    text: str
    x: float


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    bars: list[Column]
    ticks: list[Tick]
    labels: list[DayLabel]
    baseline: float


def nice_top(value: int) -> int:
    """A round top for an axis: 1, 2 or 5 times a power of ten, at least ``value``.

    >>> [nice_top(v) for v in (0, 7, 12, 230, 1001)]
    [1, 10, 20, 500, 2000]
    """
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _short_day(day: str) -> str:
    return f"{day[8:10]}/{day[5:7]}"


def columns(
    per_day: Sequence[Mapping[str, int | str]], series: Sequence[str] = SERIES
) -> ColumnChart:
    """Columns per day, one per series side by side, on a shared axis from 0."""
    top = nice_top(max((int(d[name]) for d in per_day for name in series), default=0))
    slot = (WIDTH - LEFT) / max(len(per_day), 1)
    width = max(slot * 0.8 / len(series), 1.0)
    baseline = TOP + HEIGHT
    bars = []
    for index, day in enumerate(per_day):
        for place, name in enumerate(series):
            value = int(day[name])
            height = HEIGHT * value / top
            x = LEFT + index * slot + slot * 0.1 + place * width
            bars.append(Column(name, str(day["day"]), value, x, baseline - height, width, height))
    every = max(1, math.ceil(len(per_day) / MOST_DAY_LABELS))
    labels = [
        DayLabel(_short_day(str(day["day"])), LEFT + (index + 0.5) * slot)
        for index, day in enumerate(per_day)
        if index % every == 0
    ]
    steps = 5 if top >= 5 else top  # round figures: top is 1, 2 or 5 times a power of 10
    ticks = [
        Tick(top * step // steps, baseline - HEIGHT * step / steps) for step in range(steps + 1)
    ]
    return ColumnChart(WIDTH, TOP + HEIGHT + BOTTOM, bars, ticks, labels, baseline)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    label_width: int


def bars(items: Sequence[tuple[str, int]]) -> BarChart:
    """Horizontal bars, the largest first as given, scaled to the largest."""
    top = max((value for _, value in items), default=0) or 1
    room = WIDTH - LABEL - 60  # the value is written after the bar
    drawn = [
        Bar(label, value, index * ROW, room * value / top)
        for index, (label, value) in enumerate(items)
    ]
    return BarChart(WIDTH, max(len(items), 1) * ROW, drawn, LABEL)
