"""What the review site counts (review/stats.py): a turn's and a conversation's figures,
near-duplicate groups, the period, the overview."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from review.stats import (
    MIN_SAID,
    NO_ANSWER,
    Period,
    answer_key,
    conversation_counts,
    day_of,
    difference,
    group_key,
    last_days,
    overview,
    parse_period,
    turn_counts,
)
from review.turns import Reply, TurnRecord

DAY = "2026-11-27"


def record(**fields: object) -> TurnRecord:
    return TurnRecord(seq=0, at=0.0, **fields)  # type: ignore[arg-type]


def test_a_typed_message_answered_by_the_fallback() -> None:
    turn = record(
        text="bla bla",
        intent="nlu_fallback",
        confidence=0.35,
        actions=["action_two_stage_fallback"],
        replies=[Reply("action_two_stage_fallback", "Vouliez-vous dire…")],
    )
    counts = turn_counts(turn, DAY, 0.35)
    assert {k[2]: n for k, n in counts.items() if k[1] == "day" and n} == {
        "messages": 1,
        "typed": 1,
        "fallback": 1,
        "not_understood": 1,
    }
    assert counts[(DAY, "intent", "nlu_fallback")] == 1
    assert counts[(DAY, "said", "action_two_stage_fallback|vouliez vous dire")] == 1


def test_a_button_a_handoff_a_booking_a_cancellation_and_a_topic() -> None:
    turn = record(
        text="/human_handoff",
        intent="human_handoff",
        confidence=1.0,
        actions=["action_say_human_handoff"],
        topics=["contact"],
        booked=1,
        cancelled=2,
    )
    counts = turn_counts(turn, DAY, 0.35)
    assert counts[(DAY, "day", "buttons")] == 1 and counts[(DAY, "day", "typed")] == 0
    assert counts[(DAY, "day", "handoffs")] == 1
    assert (counts[(DAY, "day", "booked")], counts[(DAY, "day", "cancelled")]) == (1, 2)
    assert counts[(DAY, "topic", "contact")] == 1
    assert counts[(DAY, "day", "not_understood")] == 0


def test_answers_before_any_message_count_no_message() -> None:
    counts = turn_counts(record(replies=[Reply("action_greet", "Bonjour")]), DAY, 0.35)
    assert counts[(DAY, "day", "messages")] == 0
    assert counts[(DAY, "said", "action_greet|bonjour")] == 1


def test_a_conversation_counts_once_where_it_starts_and_ends_where_it_stops() -> None:
    assert conversation_counts("2026-11-26", DAY, "a|b") == {
        ("2026-11-26", "day", "conversations"): 1,
        (DAY, "ended", "a|b"): 1,
    }


def test_difference_moves_the_figures() -> None:
    old = {("d", "day", "messages"): 2, ("d", "ended", "x"): 1}
    new = {("d", "day", "messages"): 3, ("d", "ended", "y"): 1}
    assert difference(new, old) == {
        ("d", "day", "messages"): 1,
        ("d", "ended", "x"): -1,
        ("d", "ended", "y"): 1,
    }


def test_answers_are_told_by_their_action_and_first_words_numbers_aside() -> None:
    one = Reply("action_appointment_booked", "C'est noté ! RDV-7K3F9Q le 1er décembre à 9 h 30")
    two = Reply("action_appointment_booked", "C'est noté ! RDV-7K3F9Q le 12 décembre à 10 h 00")
    other = Reply("action_say_help", "C'est noté ! RDV-7K3F9Q le 1er décembre à 9 h 30")
    assert answer_key(one) == answer_key(two) != answer_key(other)
    assert answer_key(None) == NO_ANSWER


@pytest.mark.parametrize(
    ("one", "two"),
    [
        ("J'ai perdu ma carte Vitale !", "carte vitale perdue"),
        ("jai perdu ma carte vitale", "J'AI PERDU MA CARTE VITALE"),
        ("ou est ma carte vitale", "ma carte vitale est où ?"),
        ("mon numéro de sécu", "mon numero de secu"),
    ],
)
def test_near_duplicates_share_a_group(one: str, two: str) -> None:
    assert group_key(one) == group_key(two)


@pytest.mark.parametrize(
    ("one", "two"),
    [
        ("j'ai perdu ma carte vitale", "j'ai perdu mon numéro"),
        ("attestation de droits", "carte européenne"),
        ("ok", "merci"),
    ],
)
def test_different_messages_do_not(one: str, two: str) -> None:
    assert group_key(one) != group_key(two)


def test_the_day_is_the_local_one() -> None:
    late_evening_utc = dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.timezone.utc).timestamp()
    assert day_of(late_evening_utc, ZoneInfo("Europe/Paris")) == "2026-11-28"
    assert day_of(late_evening_utc, ZoneInfo("UTC")) == "2026-11-27"


TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("args", "expected", "valid"),
    [
        ({}, ("2026-11-23", "2026-11-29"), True),
        ({"du": "2026-11-01", "au": "2026-11-15"}, ("2026-11-01", "2026-11-15"), True),
        ({"du": "2026-11-20"}, ("2026-11-20", "2026-11-29"), True),
        ({"au": "2026-11-15"}, ("2026-11-09", "2026-11-15"), True),
        ({"du": "2026-11-15", "au": "2026-11-01"}, ("2026-11-23", "2026-11-29"), False),
        ({"du": "hier", "au": "2026-11-01"}, ("2026-11-23", "2026-11-29"), False),
        ({"du": "2020-01-01", "au": "2026-11-01"}, ("2026-11-23", "2026-11-29"), False),
    ],
)
def test_period_selection(args: dict[str, str], expected: tuple[str, str], valid: bool) -> None:
    period, understood = parse_period(args, TODAY)
    assert ((period.first, period.last), understood) == (expected, valid)


def test_a_period_lists_its_days_and_its_query() -> None:
    period = last_days(TODAY, 3)
    assert period.days == ["2026-11-27", "2026-11-28", "2026-11-29"]
    assert period.query() == "du=2026-11-27&au=2026-11-29"


def test_overview_of_a_period_from_its_figures() -> None:
    period = Period(dt.date(2026, 11, 27), dt.date(2026, 11, 28))
    rows = [
        ("2026-11-27", "day", "conversations", 2),
        ("2026-11-27", "day", "messages", 8),
        ("2026-11-27", "day", "fallback", 2),
        ("2026-11-27", "day", "buttons", 2),
        ("2026-11-27", "day", "typed", 6),
        ("2026-11-28", "day", "messages", 2),
        ("2026-11-28", "day", "typed", 2),
        ("2026-11-28", "day", "handoffs", 1),
        ("2026-11-27", "intent", "greet", 3),
        ("2026-11-28", "intent", "greet", 1),
        ("2026-11-27", "intent", "contact", 5),
        ("2026-11-27", "topic", "carte_vitale", 2),
        ("2026-11-27", "said", "a|x", MIN_SAID * 2),
        ("2026-11-27", "ended", "a|x", 1),
        ("2026-11-28", "ended", "b|y", 1),
        ("2026-11-28", "said", "b|y", MIN_SAID - 1),  # too rarely read to tell
        ("2026-11-28", "ended", "c|z", 0),  # an end moved elsewhere
    ]
    view = overview(period, rows, {"a|x": ("a", "Texte x")})
    assert view.totals["messages"] == 10 and view.totals["conversations"] == 2
    assert view.share("fallback") == pytest.approx(0.2)
    assert view.share("buttons") == pytest.approx(0.2)
    assert [d["messages"] for d in view.per_day] == [8, 2]
    assert view.intents == [("contact", 5), ("greet", 4)]
    assert view.topics == [("carte_vitale", 2)]
    assert [(e.key, e.ended, e.example) for e in view.ends] == [
        ("a|x", 1, "Texte x"),
        ("b|y", 1, ""),
    ]
    assert [(e.key, e.rate) for e in view.leaving] == [("a|x", 0.1)]


def test_an_empty_period_has_no_share_and_no_division_by_zero() -> None:
    view = overview(last_days(TODAY), [], {})
    assert view.share("fallback") == 0.0 and len(view.per_day) == 7 and view.ends == []


def test_messages_in_another_script_are_grouped_by_their_text() -> None:
    assert group_key("我的卡丢了") != group_key("你好请问") != ""
    assert group_key("我的卡丢了") == group_key("我的卡丢了 ")
