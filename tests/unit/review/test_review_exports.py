"""The CSV exports (review/exports.py) and the charts' geometry (review/charts.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from review import charts
from review.exports import cell, group_row, not_understood_csv, overview_csv
from review.queries import Group, Listed
from review.stats import Period, overview

PERIOD = Period(dt.date(2026, 11, 27), dt.date(2026, 11, 28))
ROWS = [
    ("2026-11-27", "day", "conversations", 3),
    ("2026-11-27", "day", "messages", 10),
    ("2026-11-28", "day", "messages", 5),
    ("2026-11-27", "day", "fallback", 3),
    ("2026-11-27", "day", "buttons", 5),
    ("2026-11-27", "intent", "greet", 4),
    ("2026-11-27", "topic", "carte_vitale", 2),
    ("2026-11-27", "ended", "a|x", 2),
    ("2026-11-27", "said", "a|x", 8),
]


def parse(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # Excel reads the accents
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-1", "'-1"),
        ("@SUM", "'@SUM"),
        ("ok", "ok"),
        (None, ""),
        (0.2, "0,2000"),
        (7, "7"),
    ],
)
def test_cells(value: object, written: str) -> None:
    assert cell(value) == written


def test_the_overview_export_holds_every_figure_of_the_page() -> None:
    rows = parse(overview_csv(overview(PERIOD, ROWS, {"a|x": ("action_x", "Texte ; x")})))
    assert rows[0] == ["rubrique", "jour", "clé", "valeur"]
    found = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert found[("période", "", "du")] == "2026-11-27"
    assert found[("total", "", "messages")] == "15" and found[("total", "", "conversations")] == "3"
    assert found[("total", "", "part_fallback")] == "0,2000"
    assert found[("par jour", "2026-11-28", "messages")] == "5"
    assert found[("intention", "", "greet")] == "4" and found[("sujet", "", "carte_vitale")] == "2"
    assert found[("fin de conversation", "", "action_x : Texte ; x")] == "2"
    assert found[("taux de départ", "", "action_x : Texte ; x")] == "0,2500"


def message(text: str, ranking: list[tuple[str, float]]) -> Listed:
    return Listed(7, "abc", "2026-11-28", 0, text, ranking, None)


def test_the_not_understood_export() -> None:
    groups = [
        Group("k1", 3, "2026-11-28", message("=cmd|' /C calc'!A0", [("greet", 0.4)]), ["a", "b"]),
        Group("k2", 1, "2026-11-27", message("bof", [("a", 0.3), ("b", 0.2), ("c", 0.1)]), []),
    ]
    rows = parse(not_understood_csv(groups, ["http://x/c?id=abc#tour-0", "http://x/2"]))
    assert rows[0] == [
        "nombre", "message", "formulations proches", "intention 1", "confiance 1",
        "intention 2", "confiance 2", "intention 3", "confiance 3", "dernier jour",
        "conversation", "annoté",
    ]  # fmt: skip
    assert rows[1] == [
        "3",
        "'=cmd|' /C calc'!A0",
        "a | b",
        "greet",
        "0,4000",
        "",
        "",
        "",
        "",
        "2026-11-28",
        "http://x/c?id=abc#tour-0",
        "",
    ]
    assert rows[2][3:9] == ["a", "0,3000", "b", "0,2000", "c", "0,1000"]
    assert len(group_row(groups[0], "l")) == len(rows[0])


def test_a_column_chart_has_a_column_per_day_and_series_on_a_round_axis() -> None:
    days = [
        {"day": f"2026-11-{d:02d}", "conversations": d, "messages": 3 * d} for d in range(1, 31)
    ]
    chart = charts.columns(days)
    assert len(chart.bars) == 60
    assert [tick.value for tick in chart.ticks] == [0, 20, 40, 60, 80, 100]
    tallest = max(chart.bars, key=lambda bar: bar.value)
    assert tallest.value == 90 and tallest.height == pytest.approx(charts.HEIGHT * 0.9)
    assert all(bar.y + bar.height == pytest.approx(chart.baseline) for bar in chart.bars)
    assert len(chart.labels) <= charts.MOST_DAY_LABELS and chart.labels[0].text == "01/11"
    assert all(bar.x + bar.width <= chart.width for bar in chart.bars)


def test_an_empty_chart_is_drawn_flat() -> None:
    chart = charts.columns([{"day": "2026-11-27", "conversations": 0, "messages": 0}])
    assert {bar.height for bar in chart.bars} == {0.0} and chart.ticks[-1].value == 1


def test_a_bar_chart_scales_to_its_largest_bar() -> None:
    chart = charts.bars([("greet", 10), ("contact", 5)])
    assert [bar.width for bar in chart.bars] == [
        charts.WIDTH - charts.LABEL - 60,
        (charts.WIDTH - charts.LABEL - 60) / 2,
    ]
    assert chart.height == 2 * charts.ROW and charts.bars([]).bars == []
