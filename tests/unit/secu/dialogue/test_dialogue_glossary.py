"""Terms asked by name, decided from a Turn (no Rasa): which term the message asks about,
its definition and next steps, the known terms when it is not one of them; and the
glossary's content (data/knowledge/glossary.yml): facts, sources, buttons, spellings."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from secu.content import answer
from secu.dialogue.glossary import (
    Glossary,
    define_reply,
    get_glossary,
    parse_glossary,
    term_asked,
)
from secu.dialogue.topics import get_situations
from secu.dialogue.turn import Entity, Reply, Turn
from secu.text import ContentError, read_merged

ROOT = Path(__file__).resolve().parents[4]
KNOWLEDGE = ROOT / "data" / "knowledge"
SOURCES = read_merged(KNOWLEDGE, "sources")["sources"]
INTENTS = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")
ASKED_BY_ISSUE_13 = (
    "nia",
    "puma",
    "s1106",
    "sandia",
    "ceam",
    "cfe",
    "cleiss",
    "attestation_droits",
    "ayant_droit",
    "cle",
    "nir",
    "ins",
)


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return get_glossary()


def definition(glossary: Glossary, key: str) -> str:
    term = glossary.get(key)
    assert term is not None, key
    return term.definition


def text_of(reply: Reply) -> str:
    message = reply.messages[0]
    return answer(message.key).render(**message.values)


def payloads(reply: Reply) -> list[str]:
    return [b.payload for b in reply.messages[0].buttons or ()]


# -- which term is asked ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("c'est quoi un NIA ?", "nia"),
        ("ca veut dire quoi puma", "puma"),
        ("c koi la CFE", "cfe"),
        ("c quoi le formulaire s 1106", "s1106"),
        ("le sandia c'est qui", "sandia"),
        ("la carte européenne c'est quoi", "ceam"),
        ("kesako le cleiss", "cleiss"),
        ("attestation Vitale ?", "attestation_droits"),
        ("les ayants-droits c'est qui", "ayant_droit"),
        ("mon matricule INS", "ins"),
        ("la clé du NIR", "cle"),  # the key before the NIR: the more specific term wins
        ("c'est quoi le NIR", "nir"),
        ("un numéro d'attente c'est quoi", "nia"),
    ],
)
def test_the_term_is_found_in_the_words_typed(glossary, said: str, expected: str) -> None:
    found = term_asked(Turn(text=said, intent="define_term"), glossary)
    assert found is not None and found.key == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("nia", "nia"),
        ("attestation_droits", "attestation_droits"),
        ("Numéro d'identification d'attente", "nia"),
        ("PUMA", "puma"),
        ("carte européenne d'assurance maladie", "ceam"),
        ("ayant-droit", "ayant_droit"),
    ],
)
def test_the_entity_value_names_the_term_by_key_or_spelling(
    glossary, value: str, expected: str
) -> None:
    turn = Turn(text="c'est quoi ?", intent="define_term", entities=(Entity("term", value),))
    found = term_asked(turn, glossary)
    assert found is not None and found.key == expected


def test_the_entity_wins_over_the_words_and_the_first_known_entity_is_taken(glossary) -> None:
    turn = Turn(
        text="la difference entre un NIA et un NIR",
        entities=(Entity("term", "nir"), Entity("term", "nia")),
    )
    assert term_asked(turn, glossary).key == "nir"
    unknown_then_known = Turn(
        text="le RSA et la PUMa", entities=(Entity("term", "RSA"), Entity("term", "puma"))
    )
    assert term_asked(unknown_then_known, glossary).key == "puma"


def test_an_unknown_entity_falls_back_to_the_words_then_to_nothing(glossary) -> None:
    turn = Turn(text="c'est quoi la CFE", entities=(Entity("term", "truc"),))
    assert term_asked(turn, glossary).key == "cfe"
    assert term_asked(Turn(text="c'est quoi la C2S ?"), glossary) is None
    assert (
        term_asked(Turn(text="c'est quoi le RSA", entities=(Entity("term", "RSA"),)), glossary)
        is None
    )


# -- what the user reads -------------------------------------------------------------------


def test_a_known_term_gets_its_definition_and_its_next_steps(glossary) -> None:
    reply = define_reply(Turn(text="c'est quoi un NIA ?", intent="define_term"), glossary)
    assert [m.key for m in reply.messages] == ["term_definition"]
    said = text_of(reply)
    assert said.startswith("Le NIA (numéro d'identification d'attente)")
    assert "9 mois" in said and "S1106" in said
    assert payloads(reply)[:2] == ['/born_abroad{"situation": "nia"}', "/born_abroad"]
    assert dict(reply.slots) == {}  # the topic answered before stays the one to go back to


def test_an_unknown_term_lists_the_known_ones_with_a_button_each(glossary) -> None:
    reply = define_reply(Turn(text="c'est quoi la C2S ?", intent="define_term"), glossary)
    assert [m.key for m in reply.messages] == ["term_unknown"]
    said = text_of(reply)
    assert "Je n'ai pas reconnu le terme" in said
    for term in glossary.terms:
        assert term.title in said
    terms = [f'/define_term{{"term": "{term.key}"}}' for term in glossary.terms]
    assert payloads(reply) == [*terms, "/help"]


def test_the_button_of_a_term_leads_back_to_that_term(glossary) -> None:
    for term in glossary.terms:
        payload = f'/define_term{{"term": "{term.key}"}}'
        data = json.loads(PAYLOAD.match(payload).group(2))
        turn = Turn(text=payload, entities=(Entity("term", data["term"]),))
        assert term_asked(turn, glossary) is term


# -- the glossary's content ------------------------------------------------------------------


def test_every_term_of_the_issue_is_defined(glossary) -> None:
    assert set(ASKED_BY_ISSUE_13) <= {t.key for t in glossary.terms}


@pytest.mark.parametrize("key", ASKED_BY_ISSUE_13)
def test_a_definition_is_short_sourced_and_dated(glossary, key: str) -> None:
    term = glossary.get(key)
    assert len(re.findall(r"[.!?](?:\s|$)", term.definition)) <= 2, term.definition
    assert len(term.definition) <= 520
    assert term.sources and set(term.sources) <= set(SOURCES), term.sources
    assert term.checked_on == dt.date(2026, 11, 28)
    for source in term.sources:
        url = SOURCES[source]["url"]
        assert url.startswith("https://") and urlpath(url), (source, url)
        if SOURCES[source]["kind"] == "secondary":
            assert "en général" in term.definition, key


def urlpath(url: str) -> str:
    """The path of a URL: a source is the page that says the fact, never a bare home page."""
    return url.split("://", 1)[1].partition("/")[2].strip("/")


@pytest.mark.parametrize("key", ASKED_BY_ISSUE_13)
def test_the_next_steps_lead_to_intents_and_situations_that_exist(glossary, key: str) -> None:
    term = glossary.get(key)
    assert term.buttons
    situations = get_situations()
    for step in term.buttons:
        match = PAYLOAD.match(step.payload)
        assert match and match.group(1) in INTENTS, step
        values: dict[str, Any] = json.loads(match.group(2) or "{}")
        if "situation" in values:
            assert situations.of_topic(match.group(1), values["situation"]), step
        if match.group(1) == "define_term":
            assert glossary.get(values["term"]) not in (None, term), step


@pytest.mark.parametrize(
    "wrong",
    [
        "0,06",
        "LMDE",
        "SMEREP",
        "sécurité sociale étudiante",
        "3 à 6 mois",
        "clé est secrète",
        "RSI",
    ],
)
def test_the_common_mistakes_are_never_repeated(glossary, wrong: str) -> None:
    for term in glossary.terms:
        assert wrong not in term.definition, term.key
        assert all(wrong not in b.title for b in term.buttons), term.key


def test_3646_and_links_are_written_the_official_way(glossary) -> None:
    for term in glossary.terms:
        if "3646" in term.definition:
            assert "3646 (service gratuit + prix de l'appel)" in term.definition
        for url in re.findall(r"\w+://\S+", term.definition):
            assert url.startswith("https://"), url


def test_the_facts_each_definition_rests_on(glossary) -> None:
    nia = definition(glossary, "nia")
    assert "9 mois" in nia and "carte Vitale" in nia and "compte ameli" in nia
    assert "S1106" in definition(glossary, "s1106") and "lieu de résidence" in definition(
        glossary, "s1106"
    )
    sandia = definition(glossary, "sandia")
    assert "nées à l'étranger" in sandia and "pas à le contacter vous-même" in sandia
    assert "employeur" not in sandia  # the caisse asks the SANDIA, not the employer
    assert "3 mois" in definition(glossary, "puma") and "2016" in definition(glossary, "puma")
    assert "16 ans" in definition(glossary, "ayant_droit")
    assert "compte ameli" in definition(glossary, "attestation_droits")
    key = definition(glossary, "cle")
    assert "n'est pas secrète" in key and "97" in key and "bien formé" in key
    assert "Insee" in definition(glossary, "nir") and "SANDIA" in definition(glossary, "nir")
    assert "1er janvier 2021" in definition(glossary, "ins")


def test_the_ceam_has_no_validity_period_and_covers_the_uk(glossary) -> None:
    ceam = definition(glossary, "ceam")
    assert not re.search(r"\b(ans?|années?)\b", ceam)  # its validity is still [to confirm]
    assert "Royaume-Uni" in ceam and "Suisse" in ceam and "gratuite" in ceam


def test_cross_border_workers_are_never_sent_to_the_cfe(glossary) -> None:
    cfe = glossary.get("cfe")
    assert "frontalier qui vit en France n'est pas concerné" in cfe.definition
    assert "/cross_border" in [b.payload for b in cfe.buttons]


# -- the NLU data and the glossary agree ---------------------------------------------------


def nlu_items(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]


TERM_VALUE = re.compile(r'"entity": "term", "value": "(\w+)"')


@pytest.mark.parametrize("path", ["data/nlu/terms.yml", "tests/nlu/terms.yml"])
def test_every_annotated_term_is_a_key_of_the_glossary(glossary, path: str) -> None:
    values = TERM_VALUE.findall((ROOT / path).read_text(encoding="utf-8"))
    assert values and {v for v in values if glossary.get(v) is None} == set()


def test_every_synonym_and_lookup_spelling_names_its_term(glossary) -> None:
    for item in nlu_items(ROOT / "data/nlu/terms.yml"):
        if "synonym" in item or item.get("lookup") == "term":
            for line in item["examples"].splitlines():
                spelling = line.strip().removeprefix("- ")
                if not spelling:
                    continue
                found = glossary.find(spelling)
                assert found is not None, spelling
                if "synonym" in item:
                    assert found.key == item["synonym"], (spelling, found.key)


# -- the file's shape ------------------------------------------------------------------------


def entry(**changes: Any) -> dict[str, Any]:
    base = {
        "title": "NIA",
        "names": ["nia"],
        "definition": "Le NIA est un numéro.",
        "buttons": [{"title": "Né(e) à l'étranger", "payload": "/born_abroad"}],
        "sources": ["x"],
        "checked_on": dt.date(2026, 11, 28),
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {"terms": {"nia": {"title": "NIA"}}},
        {"terms": {"nia": entry(names=[])}},
        {"terms": {"nia": entry(sources=[])}},
        {"terms": {"nia": entry(checked_on="hier")}},
        {"terms": {"nia": entry(buttons=[{"title": "x", "payload": "born_abroad"}])}},
    ],
)
def test_a_broken_glossary_is_refused_with_the_reason(broken: dict[str, Any]) -> None:
    with pytest.raises(ContentError, match=r"glossary\.yml"):
        parse_glossary(broken)


def test_a_well_formed_entry_is_read() -> None:
    read = parse_glossary({"terms": {"nia": entry(definition="Le NIA\n  est un numéro.")}})
    assert read.get("nia").definition == "Le NIA est un numéro."
    assert read.find(None) is None and read.get("puma") is None


# -- inside a form, a term question leaves the form as it was ------------------------------
# The form must change nothing (Rasa then rejects it, data/rules/terms.yml answers the term
# and the form asks its question again).

BOOKING_STEPS = (
    "appointment_reason",
    "appointment_channel",
    "appointment_time",
    "appointment_phone",
    "appointment_confirmed",
)


def form_changes(reply: Any) -> tuple[dict[str, Any], list[str]]:
    return dict(getattr(reply, "slots", {})), [m.key for m in getattr(reply, "messages", ())]


@pytest.mark.parametrize("step", BOOKING_STEPS)
@pytest.mark.parametrize("said", ["c koi la CFE", "c'est quoi la PUMa ?"])
def test_a_term_question_changes_nothing_in_the_booking_form(step: str, said: str) -> None:
    from secu.dialogue.booking import booking_changes

    turn = Turn(text=said, intent="define_term", slots={"requested_slot": step})
    assert form_changes(booking_changes(turn)) == ({}, [])


def test_a_term_question_changes_nothing_in_the_number_form() -> None:
    from secu.dialogue.nir import extract_status

    turn = Turn(text="c koi la CFE", intent="define_term", slots={"requested_slot": "nir_status"})
    assert form_changes(extract_status(turn)) == ({}, [])


@pytest.mark.parametrize(
    ("step", "said"),
    [
        ("appointment_reason", "c'est quoi le NIA ?"),
        ("appointment_time", "c'est quoi une attestation de droits"),
        ("appointment_department", "c koi la CFE"),
        ("appointment_time", "le S1106 c'est quoi"),
        ("nir_status", "le S1106 c'est quoi"),
    ],
)
def test_no_term_question_is_taken_for_an_answer_to_a_form(step: str, said: str) -> None:
    from secu.dialogue.booking import booking_changes
    from secu.dialogue.nir import extract_status

    turn = Turn(text=said, intent="define_term", slots={"requested_slot": step})
    decide = extract_status if step == "nir_status" else booking_changes
    assert form_changes(decide(turn)) == ({}, [])
