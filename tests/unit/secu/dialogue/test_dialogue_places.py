"""The "which commune?" question and how places are named (no Rasa, no database)."""

from __future__ import annotations

from secu.content import answer
from secu.dialogue.places import place_label, which_commune
from secu.geo.geography import get_geography
from secu.geo.locate import Ambiguous, Place, locate


def test_which_commune_offers_one_button_per_department() -> None:
    found = Ambiguous(
        "Saint-Denis",
        (
            Place("93", "Seine-Saint-Denis", "la Seine-Saint-Denis"),
            Place("974", "La Réunion", "La Réunion"),
        ),
    )
    reply = which_commune(found)
    [message] = reply.messages
    assert message.key == "ask_which_commune"
    assert answer(message.key).render(**message.values) == (
        "Il existe plusieurs communes nommées Saint-Denis. Laquelle est la vôtre ?"
    )
    assert [b.as_dict() for b in message.buttons or ()] == [
        {"title": "Saint-Denis (Seine-Saint-Denis, 93)", "payload": '/inform{"department": "93"}'},
        {"title": "Saint-Denis (La Réunion, 974)", "payload": '/inform{"department": "974"}'},
    ]
    assert dict(reply.slots) == {}  # the caller says which slots to clear


def test_which_commune_for_a_name_found_in_the_geography() -> None:
    found = locate(get_geography(), city="saint denis")
    assert isinstance(found, Ambiguous)
    payloads = [b.payload for b in which_commune(found).messages[0].buttons or ()]
    assert '/inform{"department": "93"}' in payloads
    assert '/inform{"department": "974"}' in payloads


def test_a_place_is_named_with_its_department() -> None:
    assert place_label(Place("69", "Rhône", "le Rhône", "Lyon")) == "Lyon (Rhône, 69)"
    assert place_label(Place("33", "Gironde", "la Gironde")) == "la Gironde (33)"
