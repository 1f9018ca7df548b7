"""Property: a valid NIR, however it is typed and wherever it is in a message, is never kept.

Hypothesis builds valid numbers (metropolitan, Corsica 2A/2B, overseas 97x/98x, born
abroad 99) with their key, writes them as people, phones and copy-paste do (any space,
dash, dot, slash, underscore, comma or middle dot between any grouping, digits of several
scripts, "2a" or "２Ａ", the key after a dot) inside French text with other numbers, then
checks that the 13-character body can be read in none of: the events stored by the
redacting tracker store (SQLite), the log output, the assistant's reply.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from addons.tracker_store import RedactingTrackerStore
from secu import nir
from secu.geo.geography import get_geography
from secu.logs import install
from secu.nir.check import check_text, reply
from tests.leaks import flat

ROOT = Path(__file__).resolve().parents[3]
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is reproducible
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# -- valid numbers ---------------------------------------------------------------------------

MONTHS = [f"{month:02d}" for month in [*range(1, 13), *range(20, 43), *range(50, 100)]]
OVERSEAS = ["971", "972", "973", "974", "975", "976", "977", "978", "984", "986", "987", "988"]


def public_key(body: str) -> str:
    """97 - (the number mod 97), reading 2A as 19 and 2B as 18."""
    place = {"2A": "19", "2B": "18"}.get(body[5:7], body[5:7])
    return f"{97 - int(body[:5] + place + body[7:]) % 97:02d}"


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    sex = draw(st.sampled_from("123478"))
    year = f"{draw(st.integers(0, 99)):02d}"
    month = draw(st.sampled_from(MONTHS))
    kind = draw(st.sampled_from(["metropolitan", "corsica", "overseas", "abroad"]))
    if kind == "metropolitan":
        place = f"{draw(st.integers(1, 96)):02d}{draw(st.integers(1, 999)):03d}"
    elif kind == "corsica":
        place = draw(st.sampled_from(["2A", "2B"])) + f"{draw(st.integers(1, 999)):03d}"
    elif kind == "overseas":
        place = draw(st.sampled_from(OVERSEAS)) + f"{draw(st.integers(1, 99)):02d}"
    else:
        place = f"99{draw(st.integers(1, 5))}{draw(st.integers(0, 99)):02d}"
    body = sex + year + month + place + f"{draw(st.integers(1, 999)):03d}"
    key = public_key(body)
    assert key == nir.calc_key(body)
    number = body + key
    assert nir.is_valid(number), number
    return number


# -- how it is typed -----------------------------------------------------------------------

SEPARATOR_CHARACTERS = [
    " ",
    "\t",
    "\u00a0",  # no-break space
    "\u202f",  # narrow no-break space
    "\u2007",  # figure space
    "\u2009",  # thin space
    "\u2002",  # en space
    "\u205f",  # medium mathematical space
    "\u3000",  # ideographic space
    "-",
    "\u2010",  # hyphen
    "\u2011",  # non-breaking hyphen
    "\u2012",  # figure dash
    "\u2013",  # en dash
    "\u2014",  # em dash
    "\u2015",  # horizontal bar
    "\u2212",  # minus sign
    "\ufe63",  # small hyphen-minus
    "\uff0d",  # fullwidth hyphen-minus
    ".",
    "\uff0e",  # fullwidth full stop
    "/",
    "_",
    ",",
    "\u00b7",  # middle dot
    "\u200b",  # zero-width space
    "\u200e",  # left-to-right mark
]
DOTS = [".", "\u00b7", "\uff0e"]
GROUPINGS = [
    (1, 2, 2, 2, 3, 3, 2),  # as on the Vitale card
    (1, 2, 2, 5, 3, 2),
    (13, 2),
    (15,),
    (3, 3, 3, 3, 3),
    (1, 2, 2, 2, 2, 2, 2, 2),
    (4, 4, 4, 3),
    (1, 4, 2, 3, 3, 2),
]
SCRIPTS = {
    "ascii": "0123456789",
    "fullwidth": "０１２３４５６７８９",
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "persian": "۰۱۲۳۴۵۶۷۸۹",
}
LETTERS = {"A": ["A", "a", "Ａ", "ａ"], "B": ["B", "b", "Ｂ", "ｂ"]}


@st.composite
def groupings(draw: st.DrawFn, length: int) -> tuple[int, ...]:
    if draw(st.booleans()):
        sizes = draw(st.sampled_from([g for g in GROUPINGS if sum(g) == length] or [(length,)]))
        return tuple(sizes)
    cuts = sorted(draw(st.sets(st.integers(1, length - 1), max_size=8)))
    bounds = [0, *cuts, length]
    return tuple(b - a for a, b in itertools.pairwise(bounds))


@st.composite
def gaps(draw: st.DrawFn) -> str:
    """What is put between two groups: nothing, or 1 to 5 separator characters."""
    if draw(st.integers(0, 3)) == 0:
        return ""
    return "".join(draw(st.lists(st.sampled_from(SEPARATOR_CHARACTERS), min_size=1, max_size=5)))


def reads_as_decimal(pieces: list[str]) -> bool:
    """Groups and gaps alternating: a single dot or comma between two groups is a decimal
    number ("18503.3306384745"), which is left alone unless it is the body and its key."""
    gap_texts = [nir.normalise(gap) for gap in pieces[1::2] if gap]
    return len(gap_texts) == 1 and gap_texts[0] in (".", ",")


@st.composite
def typed(draw: st.DrawFn, number: str) -> str:
    """The number as a person, a phone or a copy-paste may write it."""
    key_after_dot = draw(st.integers(0, 4)) == 0
    body = number[:13] if key_after_dot else number
    sizes = draw(groupings(len(body)))
    groups: list[str] = []
    position = 0
    for size in sizes:
        groups.append(body[position : position + size])
        position += size
    pieces: list[str] = [groups[0]]
    for group in groups[1:]:
        pieces += [draw(gaps()), group]
    if key_after_dot:
        pieces += [draw(st.sampled_from(DOTS)), number[13:]]
    elif reads_as_decimal(pieces):
        pieces = [
            piece if index % 2 == 0 or not piece else " " for index, piece in enumerate(pieces)
        ]
    script = draw(st.sampled_from([*SCRIPTS, "mixed"]))
    written = []
    for char in "".join(pieces):
        if char.isdigit():
            chosen = draw(st.sampled_from(list(SCRIPTS))) if script == "mixed" else script
            written.append(SCRIPTS[chosen][int(char)])
        elif char in LETTERS:
            written.append(draw(st.sampled_from(LETTERS[char])))
        else:
            written.append(char)
    return "".join(written)


WORDS = [
    "Bonjour",
    "mon",
    "numéro",
    "de",
    "sécu",
    "est",
    "voici",
    "merci",
    "né",
    "à",
    "Ajaccio",
    "Fort-de-France",
    "c'est",
    "NIR",
    "carte",
    "Vitale",
    "tél",
    "svp",
    "ok",
]
PUNCTUATION = [",", ".", ":", ";", "!", "?", "(", ")", "«", "»", '"', "'", "…", "-", "/"]
OTHER_NUMBERS = [
    "06 12 34 56 78",
    "+33 6 12 34 56 78",
    "0612345678",
    "01 84 90 36 46",
    "3646",
    "75011",
    "20000",
    "97400",
    "33000",
    "2024-11-27",
    "27/11/2024",
    "10:15",
    "1732719600.123",
    "RDV-7K3F9Q",
]
TOKENS = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(PUNCTUATION),
    st.sampled_from(OTHER_NUMBERS),
    st.integers(0, 99999).map(str),
)


@st.composite
def messages(draw: st.DrawFn) -> tuple[str, str, str]:
    """(message, the number as typed in it, the number)."""
    number = draw(valid_numbers())
    written = draw(typed(number))
    before = draw(st.lists(TOKENS, max_size=6))
    after = draw(st.lists(TOKENS, max_size=6))
    opening = draw(st.sampled_from(["", "(", "«\u00a0", "n°", "nº", ":", '"']))
    closing = draw(st.sampled_from(["", ")", ".", ",", "!", "\u00a0?", "\u00a0»", '"']))
    space = draw(st.sampled_from([" ", " ", "\u00a0", "\n"]))
    message = space.join([*before, opening + written + closing, *after])
    return message, written, number


# -- reading what is kept ------------------------------------------------------------------------


def assert_not_kept(number: str, kept: str, where: str) -> None:
    assert number[:13] not in flat(kept), f"{where} keeps {number[:13]}: {kept!r}"


# -- the three places ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[RedactingTrackerStore, Path]:
    domain = Domain.load(str(ROOT / "domain.yml"))
    db = tmp_path_factory.mktemp("nir_property") / "tracker.db"
    inner = {"type": "SQL", "dialect": "sqlite", "db": str(db)}
    return RedactingTrackerStore(domain, inner=inner), db


SENDERS: Iterator[int] = itertools.count()


@PROPERTY
@given(messages())
def test_the_tracker_store_keeps_no_typed_number(
    store: tuple[RedactingTrackerStore, Path], example: tuple[str, str, str]
) -> None:
    tracker_store, db = store
    message, written, number = example
    sender = f"property{next(SENDERS)}"
    as_json = int(number) if number.isdigit() else number  # /inform{"department": 1930...}
    start = message.index(written)
    tracker = DialogueStateTracker(sender, tracker_store.domain.slots)
    entities = [
        {"entity": "nir", "value": written, "start": start, "end": start + len(written)},
        {"entity": "department", "value": as_json},
    ]
    tracker.update(
        UserUttered(
            message,
            intent={"name": "check_nir", "confidence": 0.97},
            entities=entities,
            parse_data={"text": message, "entities": entities},
            metadata={"raw": written, "number": as_json, written: [as_json]},
        )
    )
    tracker.update(ActionExecuted("action_check_nir"))
    tracker.update(SlotSet("department", as_json))
    tracker.update(SlotSet("nir_place", written))
    tracker.update(SlotSet("session_started_metadata", {"typed": written, "n": as_json}))
    tracker.update(BotUttered(f"Vous avez écrit {written}", {"custom": {"echo": message}}))
    asyncio.run(tracker_store.save(tracker))
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT data FROM events WHERE sender_id = ?", (sender,))
        stored = "\n".join(row[0] for row in rows)
    assert stored.count('"event"') == 6
    assert_not_kept(number, stored, "the tracker store")


@pytest.fixture(scope="module")
def log_output() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    install()
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("tests.nir_property")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, output
    logger.removeHandler(handler)


@PROPERTY
@given(messages())
def test_the_logs_keep_no_typed_number(
    log_output: tuple[logging.Logger, io.StringIO], example: tuple[str, str, str]
) -> None:
    logger, output = log_output
    message, written, number = example
    output.seek(0)
    output.truncate()
    logger.info("user said %s", message)
    logger.debug("parse data %s", json.dumps({"text": message, "value": written}))
    logger.error(f"Action server responded with {json.dumps(json.dumps({'text': message}))}")
    logger.warning("slot value %r", written)
    logger.info("entities %r", [{"value": written}])
    try:
        raise ValueError(f"bad number {written!r} in {message}")
    except ValueError:
        logger.exception("could not check %s", json.dumps(written))
    assert_not_kept(number, output.getvalue(), "the log")


@PROPERTY
@given(messages())
def test_the_reply_shows_no_typed_number(example: tuple[str, str, str]) -> None:
    message, _, number = example
    answer = reply(check_text(message, get_geography()))
    assert_not_kept(number, answer, "the reply")


@PROPERTY
@given(valid_numbers(), st.data())
def test_a_typed_number_is_found_whole(number: str, data: st.DataObject) -> None:
    written = data.draw(typed(number))
    message = f"Bonjour, mon numéro est {written} merci"
    found = nir.find_nirs(message)
    assert [match.compact for match in found] == [number]
    assert message[found[0].start : found[0].end] == written
    assert nir.compact(written) == number
    assert nir.redact(message) == f"Bonjour, mon numéro est {nir.mask(number)} merci"
