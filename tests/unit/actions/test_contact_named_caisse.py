"""« Le numéro de la CPAM de Lyon » means that caisse's phone number (issue #13): with a place
and a caisse named, action_lookup_contact answers with that caisse, even when the NLU
tagged no place; a message naming no place still gets the general numbers."""

from __future__ import annotations

from typing import Any

import pytest

from actions.contact import ActionLookupContact
from secu.dialogue.contact import caisse_place_in_text
from secu.geo.geography import get_geography
from tests.adapters import make_tracker, run_action

CAISSE = "votre caisse est :"  # the answer "caisse" (said() cannot tell it when {note} is empty)
GENERAL = "Pour joindre l'Assurance Maladie"  # the answer "contact"

pytestmark = pytest.mark.usefixtures("knowledge_db")


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize(
    ("text", "entities", "department", "where"),
    [
        ("le numero de la cpam de lyon", [{"entity": "city", "value": "lyon"}], "69", "Lyon"),
        (
            "numero tel caisse primaire bordeaux",
            [{"entity": "city", "value": "bordeaux"}],
            "33",
            "Bordeaux",
        ),
        (
            "je cherche le tel de la cpam du 93",
            [{"entity": "department", "value": "93"}],
            "93",
            "Seine-Saint-Denis",
        ),
    ],
)
def test_a_caisse_and_its_place_named_give_that_caisse(
    domain, text: str, entities: list[dict], department: str, where: str
) -> None:
    messages, events = run_action(
        ActionLookupContact(), make_tracker(text, "contact", entities), domain
    )
    [message] = messages
    assert CAISSE in message["text"] and where in message["text"] and "3646" in message["text"]
    assert slots(events)["department"] == department


@pytest.mark.parametrize(
    ("text", "department"),
    [
        ("le numéro de la CPAM de Lyon", "69"),
        ("numero tel caisse primaire bordeaux", "33"),
        ("c'est quoi le numero de la cpam de saint etienne svp", "42"),
        ("le numero de la secu de marseille", "13"),
        ("numero de la caisse primaire d'assurance maladie du val de marne", "94"),
        ("tel de la cpam de la gironde", "33"),
        ("numero cpam angers", "49"),
    ],
)
def test_the_place_after_the_caisse_is_read_when_the_nlu_tagged_none(
    domain, text: str, department: str
) -> None:
    """Before the fix, these got the general numbers and "dites-moi votre département"."""
    messages, events = run_action(ActionLookupContact(), make_tracker(text, "contact"), domain)
    [message] = messages
    assert CAISSE in message["text"] and not message["text"].startswith(GENERAL)
    assert slots(events)["department"] == department


@pytest.mark.parametrize(
    "text",
    [
        "comment joindre la cpam en ligne",  # Ligné (44) is a commune: "en ligne" is no place
        "je veux le numero de la caisse de mon fils",
        "le numero de la secu",
        "adresse de la cpam la plus proche",
    ],
)
def test_no_place_named_gives_the_general_numbers(domain, text: str) -> None:
    messages, events = run_action(ActionLookupContact(), make_tracker(text, "contact"), domain)
    [message] = messages
    assert message["text"].startswith(GENERAL) and CAISSE not in message["text"]
    assert "department" not in slots(events)


def test_the_place_is_the_longest_name_after_the_caisse() -> None:
    geo = get_geography()
    assert caisse_place_in_text(geo, "le numéro de la CPAM de Saint-Étienne stp") == {
        "city": "saint etienne"
    }
    assert caisse_place_in_text(geo, "la cpam du nord") == {"city": "nord"}
    assert caisse_place_in_text(geo, "cpam numero de tel") == {}
