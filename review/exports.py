"""The CSV exports, written for a French spreadsheet: ``;`` between fields, decimal commas,
UTF-8 with a byte order mark (so that Excel reads the accents). A cell that a spreadsheet
would run as a formula (``=``, ``+``, ``-``, ``@`` first) gets a leading quote: the texts
are what users typed.

>>> cell("=HYPERLINK(1)"), cell(0.125), cell(3)
("'=HYPERLINK(1)", '0,1250', '3')
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from review.queries import Group
from review.stats import DAY_FIGURES, Overview

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".replace(".", ",")
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(value) for value in row] for row in rows)
    return BOM + out.getvalue()


def overview_rows(view: Overview) -> Iterable[tuple[object, ...]]:
    """The overview as (section, day, key, value) rows: one table for a pivot table."""
    yield ("période", "", "du", view.period.first)
    yield ("période", "", "au", view.period.last)
    for figure in DAY_FIGURES:
        yield ("total", "", figure, view.totals[figure])
    yield ("total", "", "part_fallback", view.share("fallback"))
    yield ("total", "", "part_non_compris", view.share("not_understood"))
    yield ("total", "", "part_boutons", view.share("buttons"))
    for day in view.per_day:
        for figure in DAY_FIGURES:
            yield ("par jour", day["day"], figure, day[figure])
    yield from (("intention", "", name, n) for name, n in view.intents)
    yield from (("sujet", "", name, n) for name, n in view.topics)
    for end in view.ends:
        yield ("fin de conversation", "", f"{end.action} : {end.example}", end.ended)
    for end in view.leaving:
        yield ("taux de départ", "", f"{end.action} : {end.example}", end.rate)


def overview_csv(view: Overview) -> str:
    return to_csv(("rubrique", "jour", "clé", "valeur"), overview_rows(view))


NOT_UNDERSTOOD_HEADER = (
    "nombre",
    "message",
    "formulations proches",
    *(f"{what} {rank}" for rank in (1, 2, 3) for what in ("intention", "confiance")),
    "dernier jour",
    "conversation",
    "annoté",
)


def group_row(group: Group, link: str) -> list[object]:
    ranking = list(group.example.ranking) + [("", None)] * 3
    guesses = [value for name, confidence in ranking[:3] for value in (name, confidence)]
    return [
        group.count,
        group.example.text,
        " | ".join(group.variants),
        *guesses,
        group.last_day,
        link,
        group.example.annotated or "",
    ]


def not_understood_csv(groups: Sequence[Group], links: Sequence[str]) -> str:
    rows = (group_row(group, link) for group, link in zip(groups, links, strict=True))
    return to_csv(NOT_UNDERSTOOD_HEADER, rows)
