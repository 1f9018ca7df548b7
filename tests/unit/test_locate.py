from __future__ import annotations

from actions.geography import get_geography
from actions.locate import widen_city


def test_widen_city_finds_the_full_commune_name() -> None:
    geo = get_geography()
    text = "j'habite a saint denis depuis peu"
    start = text.index("denis")
    assert widen_city(geo, text, start, start + 5, "denis") == "saint denis"
    text = "je vis a aix en provence"
    start = text.index("aix")
    assert widen_city(geo, text, start, start + 3, "aix") == "aix en provence"
    assert widen_city(geo, "a Lyon", 2, 6, "Lyon") == "Lyon"
