from __future__ import annotations

import pytest

from secu.geo.geography import get_geography
from secu.geo.locate import Place, clues_in_text, locate, widen_city


def test_widen_city_finds_the_full_commune_name() -> None:
    geo = get_geography()
    text = "j'habite a saint denis depuis peu"
    start = text.index("denis")
    assert widen_city(geo, text, start, start + 5, "denis") == "saint denis"
    text = "je vis a aix en provence"
    start = text.index("aix")
    assert widen_city(geo, text, start, start + 3, "aix") == "aix en provence"
    assert widen_city(geo, "a Lyon", 2, 6, "Lyon") == "Lyon"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("j'habite dans le 33", {"department": "33"}),
        ("974", {"department": "974"}),
        ("dans le 2a", {"department": "2A"}),
        ("mon code postal c 75011", {"postal_code": "75011"}),
        ("j'ai 33 ans", {}),
        ("a Lyon", {}),
    ],
)
def test_a_place_written_in_the_message(text: str, expected: dict) -> None:
    assert clues_in_text(text) == expected


@pytest.mark.parametrize(
    ("clues", "code"),
    [
        ({"department": "la reunion"}, "974"),
        ({"department": "gironde"}, "33"),
        ({"city": "la reunion"}, "974"),  # the island, not the village of Lot-et-Garonne
        ({"city": "Paris"}, "75"),
    ],
)
def test_a_department_named_not_numbered(clues: dict, code: str) -> None:
    place = locate(get_geography(), **clues)
    assert isinstance(place, Place) and place.department_code == code
