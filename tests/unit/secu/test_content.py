"""The content is data: every answer and response is in French and traces to a dated source."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from secu.content import answers
from secu.text import read_merged

ROOT = Path(__file__).resolve().parents[3]
SOURCES = read_merged(ROOT / "data" / "knowledge", "sources")  # sources.yml and sources/*.yml
URL = re.compile(r"https?://[^\s)]+")


def all_texts(domain) -> list[tuple[str, str]]:
    assert not domain.get("responses")  # every text is in data/knowledge/answers/
    texts = [(key, a.text) for key, a in answers().items()]
    texts += [(f"{key} (button)", b.title) for key, a in answers().items() for b in a.buttons]
    return texts


def test_every_source_has_a_title_an_https_url_and_a_date() -> None:
    for key, source in SOURCES["sources"].items():
        assert source["title"], key
        assert source["url"].startswith("https://"), key
        assert isinstance(source["checked_on"], dt.date), key
        assert source["kind"] in ("official", "secondary"), key


def test_every_answer_names_existing_sources() -> None:
    for key, answer in answers().items():
        assert set(answer.sources) <= set(SOURCES["sources"]), key


def test_the_fixed_answers_of_rules_and_stories_exist(domain) -> None:
    said_by_actions = [a[len("action_say_") :] for a in domain["actions"] if "action_say_" in a]
    assert said_by_actions and set(said_by_actions) <= set(answers())


def test_an_answer_stating_a_phone_number_has_a_source(domain) -> None:
    for name, text in all_texts(domain):
        if re.search(r"3646|\+33|02 69", text):
            assert answers()[name].sources, name


def test_every_link_shown_to_users_is_https(domain) -> None:
    for name, text in all_texts(domain):
        for url in URL.findall(text):
            assert url.startswith("https://"), (name, url)


@pytest.mark.parametrize(
    "wrong",
    [
        "0,06",
        "0.06",
        "sécurité sociale étudiante existe",
        "LMDE",
        "SMEREP",
        "clé est secrète",
        "3 à 6 mois",
    ],
)
def test_the_common_mistakes_are_never_repeated(domain, wrong: str) -> None:
    for name, text in all_texts(domain):
        assert wrong not in text, name


def test_3646_always_comes_with_its_official_price_wording(domain) -> None:
    for name, text in all_texts(domain):
        flat = " ".join(text.split())
        if "3646" in flat:
            assert "3646 (service gratuit + prix de l'appel)" in flat, name
