"""A long conversation through the REST channel: Rasa is handed the state plus the last
turns (addons/conversation_window.py), and nothing the user said earlier is forgotten,
nothing is stored twice."""

from __future__ import annotations

import json

from conftest import query

from addons.conversation_window import KEEP_TURNS
from tests.databases import user_turns


def test_a_booking_started_long_ago_goes_on_and_every_turn_is_stored(assistant) -> None:
    conversation = assistant.conversation()
    said = ["bonjour", "je suis etudiant"]
    for message in said:
        conversation.say(message)
    for n in range(2 * KEEP_TURNS):
        said.append(f"merci {n}")
        conversation.say(said[-1])
    said += ["je voudrais un rendez-vous", "c'est pour ma carte vitale"]
    conversation.say(said[-2])
    assert "téléphone" in conversation.say(said[-1])
    for _ in range(KEEP_TURNS + 2):  # the choice of reason falls out of the last turns
        said.append("c'est gratuit ?")
        assert "ne coûte rien" in conversation.say(said[-1])
    said.append("par telephone")
    assert "département" in conversation.say(said[-1])
    said.append("j'habite a Bordeaux")
    times = conversation.buttons(said[-1])
    assert len(times) == 6  # the form went on: reason and channel were remembered
    said.append(times[0]["payload"])
    assert "rappeler" in conversation.say(said[-1])
    said.append("06 12 34 56 78")
    summary = conversation.say(said[-1])
    assert "Je récapitule" in summary and "Carte Vitale" in summary
    rows = query(
        assistant.tracker_db,
        "SELECT data FROM events WHERE sender_id = ? ORDER BY id",
        conversation.sender,
    )
    assert user_turns([json.loads(row[0]) for row in rows]) == said


def test_a_fallback_answered_late_in_a_long_conversation_gets_its_answer(assistant) -> None:
    """The window's cut once fell between a "did you mean…?" and the typed answer: from
    then on a fallback answered by a new question looped without end (no answer, a
    worker spinning). Here the 21st message is such an answer, the cut right there."""
    conversation = assistant.conversation()
    for _ in range(10):
        conversation.say("/greet")
    assert "?" in conversation.say("/nlu_fallback")  # "did you mean…?"
    first = conversation.say("/lost_number")  # typed instead of a button
    assert "carte Vitale" in first
    for _ in range(7):
        conversation.say("/greet")
    assert "?" in conversation.say("/nlu_fallback")
    assert conversation.say("/lost_number") == first
