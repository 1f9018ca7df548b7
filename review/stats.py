"""What the review site counts, as pure functions: what a turn and a conversation add to the
figures of a day, the near-duplicate groups of messages, the period asked for, and the
overview of a period from the per-day figures.

The figures per day are ``(day, kind, key) -> n``: kind ``day`` holds the day's totals
(``messages``, ``conversations``…), ``intent`` and ``topic`` what was asked, ``said`` the
answers people read last in a turn and ``ended`` those after which they left. A turn read
again (new events arrived for it) moves the figures by :func:`difference`.

>>> difference({("d", "day", "messages"): 1}, {("d", "day", "messages"): 1,
...                                           ("d", "day", "fallback"): 1})
{('d', 'day', 'fallback'): -1}
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from review.turns import Reply, TurnRecord
from secu.knowledge.words import get_analyzer
from secu.text import fold

CountKey = tuple[str, str, str]  # (day, kind, key)
DAY_FIGURES = (
    "conversations",
    "messages",
    "typed",
    "buttons",
    "fallback",
    "not_understood",
    "handoffs",
    "booked",
    "cancelled",
)
NO_ANSWER = "-"  # the key of a conversation that got no answer
KEY_LENGTH = 200
SIGNATURE_WORDS = 12  # an answer is told by its action and its first words
_NUMBER = re.compile(r"^\w*[0-9]\w*$")  # "12", "1er", "7k3f9q": a number, whatever it is
ELISIONS = ("j", "l", "d", "m", "n", "s", "t", "c", "qu")  # "jai", "cest": j'ai, c'est
DEFAULT_DAYS = 7
LONGEST_PERIOD = 731  # days: two years at most on one page
TOP = 10


@lru_cache(maxsize=50_000)
def group_key(text: str) -> str:
    """The key near-duplicate messages share: their search terms (folded, SMS spellings
    written out, empty words left out, also when an apostrophe was left out, stemmed:
    ``secu.knowledge.words``), each once, in alphabetical order; the folded text when it
    has none.

    >>> group_key("J'ai perdu ma carte Vitale !") == group_key("carte vitale perdue")
    True
    """
    analyzer = get_analyzer()
    words = [w for w in fold(text).split() if not _glued(w, analyzer.stop_words)]
    terms = sorted(set(analyzer.query_terms(" ".join(words))))
    return (" ".join(terms) or folded(text))[:KEY_LENGTH]


def folded(text: str) -> str:
    """``secu.text.fold`` (lower case, no accents, no punctuation); for a text it leaves
    nothing of (Chinese, Arabic…: fold keeps Latin letters and digits), the text in lower
    case with single spaces.

    >>> folded("Où est ma CARTE ?"), folded("我的 卡  丢了")
    ('ou est ma carte', '我的 卡 丢了')
    """
    return fold(text) or " ".join(text.casefold().split())


def _glued(word: str, stop_words: frozenset[str]) -> bool:
    """An elided word typed without its apostrophe ("jai", "cest"): as empty as when
    typed with it."""
    return any(word.startswith(e) and word[len(e) :] in stop_words for e in ELISIONS)


def answer_key(reply: Reply | None) -> str:
    """An answer, told apart from others by its action and first words (numbers left out).

    >>> answer_key(Reply("action_check_nir", "Le numéro 1 85 05 •• est valide."))
    'action_check_nir|le numero 0 0 0 est valide'
    """
    return NO_ANSWER if reply is None else _answer_key(reply.action or "", reply.text)


@lru_cache(maxsize=20_000)
def _answer_key(action: str, text: str) -> str:
    """(The assistant says the same few hundred answers over and over.)"""
    head = fold(text[: SIGNATURE_WORDS * 20]).split()[:SIGNATURE_WORDS]
    words = [_NUMBER.sub("0", word) for word in head]
    return f"{action}|{' '.join(words)}"[:KEY_LENGTH]


def day_of(timestamp: float, zone: dt.tzinfo) -> str:
    """The local day of a timestamp, as ``YYYY-MM-DD``."""
    return dt.datetime.fromtimestamp(timestamp, zone).date().isoformat()


def turn_counts(turn: TurnRecord, day: str, threshold: float) -> Counter[CountKey]:
    """What one turn adds to the figures of its day."""
    counts: Counter[CountKey] = Counter()
    if turn.text is not None:
        counts[(day, "day", "messages")] += 1
        counts[(day, "day", "buttons" if turn.button else "typed")] += 1
        counts[(day, "day", "fallback")] += turn.fallback
        counts[(day, "day", "not_understood")] += turn.not_understood(threshold)
        if turn.intent:
            counts[(day, "intent", turn.intent)] += 1
    counts[(day, "day", "handoffs")] += turn.handoff
    counts[(day, "day", "booked")] += turn.booked
    counts[(day, "day", "cancelled")] += turn.cancelled
    for topic in turn.topics:
        counts[(day, "topic", topic)] += 1
    if turn.replies:
        counts[(day, "said", answer_key(turn.last_reply))] += 1
    return counts


def conversation_counts(start_day: str, end_day: str, end_answer: str) -> Counter[CountKey]:
    """What a conversation adds: one conversation on the day it started, one end (after
    its last answer) on the day of its last event."""
    return Counter({(start_day, "day", "conversations"): 1, (end_day, "ended", end_answer): 1})


def difference(new: Mapping[CountKey, int], old: Mapping[CountKey, int]) -> dict[CountKey, int]:
    """How the figures move from ``old`` to ``new`` (zeros left out)."""
    moved = {key: new.get(key, 0) - old.get(key, 0) for key in {*new, *old}}
    return {key: n for key, n in moved.items() if n}


# -- the period --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> list[str]:
        count = (self.end - self.start).days + 1
        return [(self.start + dt.timedelta(days=n)).isoformat() for n in range(count)]

    @property
    def first(self) -> str:
        return self.start.isoformat()

    @property
    def last(self) -> str:
        return self.end.isoformat()

    def query(self) -> str:
        """The period as the pages' query string."""
        return f"du={self.first}&au={self.last}"


def last_days(today: dt.date, days: int = DEFAULT_DAYS) -> Period:
    """The ``days`` days up to today included."""
    return Period(today - dt.timedelta(days=days - 1), today)


def parse_period(args: Mapping[str, str], today: dt.date) -> tuple[Period, bool]:
    """The period of ``?du=YYYY-MM-DD&au=YYYY-MM-DD`` (either may be left out), and whether
    it was understood; the last 7 days when nothing (or nothing valid) is asked.

    >>> parse_period({"du": "2026-11-01", "au": "2026-11-30"}, dt.date(2026, 12, 1))[0].days[-1]
    '2026-11-30'
    >>> parse_period({"du": "2026-11-30", "au": "2026-11-01"}, dt.date(2026, 12, 1))[1]
    False
    """
    default = last_days(today)
    if not args.get("du") and not args.get("au"):
        return default, True
    try:
        end = dt.date.fromisoformat(args["au"]) if args.get("au") else today
        start = (
            dt.date.fromisoformat(args["du"])
            if args.get("du")
            else end - dt.timedelta(days=DEFAULT_DAYS - 1)
        )
    except ValueError:
        return default, False
    if start > end or (end - start).days >= LONGEST_PERIOD:
        return default, False
    return Period(start, end), True


# -- the overview ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ending:
    """An answer after which conversations end: how often, and how often it was read."""

    key: str
    action: str
    example: str
    ended: int
    said: int

    @property
    def rate(self) -> float:
        """The share of the times it was read after which people left."""
        return self.ended / self.said if self.said else 0.0


@dataclass(frozen=True)
class Overview:
    period: Period
    per_day: list[dict[str, int | str]]  # one per day: "day" and every DAY_FIGURES
    totals: dict[str, int]
    intents: list[tuple[str, int]]
    topics: list[tuple[str, int]]
    ends: list[Ending]  # the most frequent last answers
    leaving: list[Ending]  # the answers most often left after (read at least MIN_SAID)

    def share(self, figure: str, of: str = "messages") -> float:
        return self.totals[figure] / self.totals[of] if self.totals[of] else 0.0


MIN_SAID = 5  # an answer read fewer times says nothing of why people leave


def _top(counter: Counter[str], count: int = TOP) -> list[tuple[str, int]]:
    found = [(key, n) for key, n in counter.items() if n > 0]
    return sorted(found, key=lambda item: (-item[1], item[0]))[:count]


def overview(
    period: Period,
    rows: Iterable[tuple[str, str, str, int]],
    examples: Mapping[str, tuple[str, str]],
) -> Overview:
    """The overview of ``period`` from its per-day figures ``(day, kind, key, n)``;
    ``examples`` gives each answer key its action and an example text."""
    per_day = {day: dict.fromkeys(DAY_FIGURES, 0) for day in period.days}
    kinds: dict[str, Counter[str]] = {kind: Counter() for kind in ("intent", "topic")}
    said: Counter[str] = Counter()
    ended: Counter[str] = Counter()
    for day, kind, key, n in rows:
        if kind == "day" and day in per_day and key in per_day[day]:
            per_day[day][key] += n
        elif kind in kinds:
            kinds[kind][key] += n
        elif kind == "said":
            said[key] += n
        elif kind == "ended":
            ended[key] += n
    totals = {
        figure: sum(figures[figure] for figures in per_day.values()) for figure in DAY_FIGURES
    }

    def ending(key: str) -> Ending:
        action, example = examples.get(key, ("", ""))
        return Ending(key, action, example, ended[key], said[key])

    ends = [ending(key) for key, _ in _top(ended)]
    often = [ending(key) for key in ended if ended[key] > 0 and said[key] >= MIN_SAID]
    often.sort(key=lambda item: (-item.rate, -item.ended, item.key))
    return Overview(
        period=period,
        per_day=[{"day": day, **figures} for day, figures in per_day.items()],
        totals=totals,
        intents=_top(kinds["intent"]),
        topics=_top(kinds["topic"]),
        ends=ends,
        leaving=often[:TOP],
    )
