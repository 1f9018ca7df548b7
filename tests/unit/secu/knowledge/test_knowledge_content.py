"""The knowledge base's content (data/knowledge/*.yml): shape, sources, links, phones, wording.

No database here: test_knowledge_checks.py runs the loader's checks on it,
test_knowledge_loader.py loads it and test_knowledge_queries.py queries it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from secu.knowledge.checks import expand_codes
from secu.status import STATUSES
from secu.text import read_merged

ROOT = Path(__file__).resolve().parents[4]
KNOWLEDGE = ROOT / "data" / "knowledge"
GEO = ROOT / "data" / "geo"


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@cache
def _yaml(name: str) -> Any:
    """A kind of content, from its file and/or its folder of files (``kind.yml``)."""
    return read_merged(KNOWLEDGE, name.removesuffix(".yml"))


SOURCES: dict[str, dict[str, Any]] = _yaml("sources.yml")["sources"]
PROCEDURES: list[dict[str, Any]] = _yaml("procedures.yml")["procedures"]
ORGANISMS: list[dict[str, Any]] = _yaml("organisms.yml")["organisms"]
LOCAL_BODIES: dict[str, Any] = _yaml("local_bodies.yml")
STATUS_RULES: dict[str, Any] = _yaml("statuses.yml")
CONTENT_FILES = ("procedures.yml", "organisms.yml", "local_bodies.yml", "statuses.yml")
BY_ID = {p["id"]: p for p in PROCEDURES}

REQUIRED_SITUATIONS = (
    "lost_number_with_document",
    "lost_number_no_document",
    "carte_vitale_lost_or_stolen",
    "carte_vitale_app",
    "attestation_droits",
    "born_abroad_employee",
    "born_abroad_student",
    "born_abroad_not_working",
    "born_abroad_eu_citizen",
    "nia_explained",
    "expatriate_posted",
    "expatriate_expat",
    "stay_in_europe",
    "return_with_job",
    "return_without_job",
    "self_employed",
    "farmer",
    "student",
    "military",
    "sailor",
    "civil_servant",
    "book_appointment",
)
PROCEDURE_FIELDS = {
    "id",
    "title",
    "audience",
    "summary",
    "steps",
    "documents",
    "delays",
    "links",
    "sources",
    "checked_on",
}
OFFICIAL_DOMAINS = (
    "ameli.fr",
    "service-public.fr",
    "cleiss.fr",
    "cfe.fr",
    "msa.fr",
    "cnmss.fr",
    "enim.eu",
    "legifrance.gouv.fr",
)
# The only numbers the FACTS sheet gives.
FACTS_PHONES = {"3646", "+33 1 84 90 36 46", "02 69 61 91 91", "+33 2 69 61 91 91"}
# International numbers, French 10-digit numbers, 4-digit service numbers (3646, 3949…).
PHONE_LIKE = re.compile(r"\+\d[\d .]{6,}\d|\b0\d(?:[ .]?\d\d){4}\b|\b3\d{3}\b")
URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s)\"'>]+", re.IGNORECASE)
# The official price wording, in French or as the English texts give it.
WORDS_3646 = re.compile(
    r"3646,? \(?(service gratuit \+ prix de l'appel|free service \+ cost of the call)"
)
NATIONAL_SCHEMES = ("msa", "cnmss", "enim", "cfe", "cleiss")


def strings(value: Any) -> Iterator[str]:
    """Every text inside a YAML value (keys excluded), whitespace collapsed."""
    if isinstance(value, str):
        yield " ".join(value.split())
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


@lru_cache(maxsize=1)
def content_strings() -> tuple[tuple[str, str], ...]:
    return tuple((name, text) for name in CONTENT_FILES for text in strings(_yaml(name)))


def procedure_texts(record: dict[str, Any]) -> list[str]:
    fields = ("title", "audience", "summary", "steps", "documents", "delays")
    return [text for name in fields for text in strings(record.get(name))]


def is_date(value: object) -> bool:
    return isinstance(value, dt.date)


# -- procedures ---------------------------------------------------------------------------


def test_every_required_situation_has_a_procedure() -> None:
    assert set(REQUIRED_SITUATIONS) <= set(BY_ID)


def test_procedure_ids_are_unique_snake_case() -> None:
    ids = [p["id"] for p in PROCEDURES]
    assert len(ids) == len(set(ids))
    for pid in ids:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", pid), pid


@pytest.mark.parametrize("record", PROCEDURES, ids=lambda r: r["id"])
def test_procedure_has_every_field_in_the_right_shape(record: dict[str, Any]) -> None:
    assert set(record) >= PROCEDURE_FIELDS
    for name in ("title", "audience", "summary"):
        assert isinstance(record[name], str) and record[name].strip(), name
    summary = " ".join(record["summary"].split())
    assert len(re.findall(r"[.!?](?:\s|$)", summary)) <= 2, "summary: 1-2 sentences"
    assert record["steps"] and all(isinstance(s, str) and s.strip() for s in record["steps"])
    assert isinstance(record["documents"], list)
    assert all(isinstance(d, str) and d.strip() for d in record["documents"])
    assert record["delays"] is None or (isinstance(record["delays"], str) and record["delays"])
    assert isinstance(record["links"], list)
    for link in record["links"]:
        assert {"title", "url"} <= set(link) <= {"title", "title_en", "url"}, link
        assert link["title"].strip(), link
    assert is_date(record["checked_on"])
    assert isinstance(record.get("topic"), str)


def test_each_topic_has_at_most_one_default_procedure() -> None:
    defaults = Counter(p["topic"] for p in PROCEDURES if p.get("default"))
    assert max(defaults.values()) == 1
    statuses = {s for p in PROCEDURES for s in p.get("statuses") or []}
    assert statuses <= set(STATUSES)


@pytest.mark.parametrize("record", PROCEDURES, ids=lambda r: r["id"])
def test_procedure_links_are_https_on_official_sites(record: dict[str, Any]) -> None:
    for link in record["links"]:
        parts = urlsplit(link["url"])
        host = parts.hostname or ""
        assert parts.scheme == "https", link
        assert any(host == d or host.endswith("." + d) for d in OFFICIAL_DOMAINS), link


# -- sources and dates ----------------------------------------------------------------------


def _cited(where: str, keys: Any) -> None:
    assert isinstance(keys, list) and keys, f"{where}: no sources"
    unknown = set(keys) - set(SOURCES)
    assert not unknown, f"{where}: unknown sources {unknown}"


def test_every_record_cites_existing_sources_and_has_a_checked_on_date() -> None:
    for record in PROCEDURES:
        _cited(record["id"], record["sources"])
        assert is_date(record["checked_on"]), record["id"]
    for organism in ORGANISMS:
        _cited(organism["key"], organism["sources"])
        assert is_date(organism["checked_on"]), organism["key"]
        for phone in organism["phones"]:
            _cited(phone["key"], phone["sources"])
    assert is_date(LOCAL_BODIES["checked_on"])
    for rule in LOCAL_BODIES["rules"]:
        if "organism" not in rule:
            _cited(f"local rule {rule['kind']}", rule["sources"])
    assert is_date(STATUS_RULES["checked_on"])
    for status, rule in STATUS_RULES["statuses"].items():
        _cited(status, rule["sources"])


def test_every_url_in_the_content_and_the_sources_is_https() -> None:
    found = 0
    for name, text in [*content_strings(), *(("sources.yml", t) for t in strings(SOURCES))]:
        for url in URL.findall(text):
            found += 1
            assert url.startswith("https://"), (name, url)
    assert found > 30


def test_a_record_stating_a_phone_number_cites_its_source() -> None:
    needs = {
        "3646": "ameli_contact",
        "+33 1 84 90 36 46": "cleiss",
        "02 69 61 91 91": "cssm_mayotte",
    }
    for record in PROCEDURES:
        text = " ".join(procedure_texts(record))
        for number, source in needs.items():
            if number in text:
                assert source in record["sources"], (record["id"], number)


# -- phones -------------------------------------------------------------------------------


def test_only_the_facts_phone_numbers_appear_in_the_content() -> None:
    for name, text in content_strings():
        for number in PHONE_LIKE.findall(text):
            assert number.strip() in FACTS_PHONES, (name, number, text)


def test_phone_records_hold_exactly_the_facts_numbers_with_their_wording() -> None:
    phones = {p["number"]: p for o in ORGANISMS for p in o["phones"]}
    assert set(phones) == FACTS_PHONES
    national = phones["3646"]
    assert national["price_note"] == "service gratuit + prix de l'appel"
    assert national["from_abroad"] is False
    assert "8 h 30" in national["hours"] and "17 h 30" in national["hours"]
    assert "varier" in national["hours_caution"]
    assert phones["+33 1 84 90 36 46"]["from_abroad"] is True
    assert phones["+33 2 69 61 91 91"]["from_abroad"] is True
    mayotte = phones["02 69 61 91 91"]
    assert "7 h 30" in mayotte["hours"] and "14 h 30" in mayotte["hours"]
    assert "lundi au jeudi" in mayotte["hours"]
    assert mayotte["hours_caution"]  # [secondary] in the FACTS sheet


def test_national_schemes_get_a_website_and_no_phone() -> None:
    by_kind = {o["kind"]: o for o in ORGANISMS}
    for kind in NATIONAL_SCHEMES:
        assert by_kind[kind]["phones"] == [], kind
        assert by_kind[kind]["website"].startswith("https://"), kind


def test_organisms_have_every_field() -> None:
    fields = {"key", "name", "short_name", "kind", "description", "website", "phones", "sources"}
    phone_fields = {"key", "number", "label", "from_abroad", "price_note", "hours"}
    phone_fields |= {"hours_caution", "sources"}
    for organism in ORGANISMS:
        assert fields <= set(organism), organism["key"]
        assert organism["website"].startswith("https://")
        for phone in organism["phones"]:
            assert phone_fields <= set(phone), phone
            assert isinstance(phone["from_abroad"], bool)


def test_3646_always_comes_with_its_official_price_wording() -> None:
    for name, text in content_strings():
        if re.search(r"\b3646\b", text) and text != "3646":
            assert WORDS_3646.search(text), (name, text)


# -- wording --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrong",
    ["0,06", "0.06", "LMDE", "SMEREP", "3 à 6 mois", "clé est secrète", "étudiante existe"],
)
def test_the_common_mistakes_are_never_repeated(wrong: str) -> None:
    for name, text in content_strings():
        assert wrong not in text, (name, text)


def test_the_rsi_is_only_mentioned_as_gone() -> None:
    for name, text in content_strings():
        if re.search(r"\bRSI\b", text):
            gone = ("n'existe plus", "supprimé", "no longer exists", "abolished")
            assert any(word in text for word in gone), (name, text)


def test_facts_to_confirm_are_phrased_with_care() -> None:
    civil = BY_ID["civil_servant"]
    assert "en général" in civil["summary"] and "renseignez-vous" in civil["summary"]
    explanation = STATUS_RULES["statuses"]["fonctionnaire"]["explanation"]
    assert "en général" in explanation and "renseignez-vous" in explanation
    # The CEAM's validity period is [to confirm]: no duration for the card itself.
    for text in procedure_texts(BY_ID["stay_in_europe"]):
        assert not re.search(r"\b(ans?|années?)\b", text), text


def test_secondary_facts_are_phrased_with_care() -> None:
    careful = {
        "born_abroad_employee": "en général",
        "expatriate_posted": "en général",
        "return_with_job": "en général",
        "return_without_job": "en général",
        "carte_vitale_lost_or_stolen": "en général",
        "carte_vitale_app": "en principe",
    }
    for pid, words in careful.items():
        assert words in BY_ID[pid]["summary"].lower(), pid


def test_born_abroad_records_state_the_facts_figures() -> None:
    for pid in ("born_abroad", "nia_explained", "born_abroad_student", "born_abroad_not_working"):
        text = " ".join(procedure_texts(BY_ID[pid]))
        assert "9 mois" in text, pid
    assert "S1106" in " ".join(procedure_texts(BY_ID["born_abroad"]))
    assert "3 mois" in BY_ID["born_abroad_not_working"]["summary"]
    stay = " ".join(procedure_texts(BY_ID["stay_in_europe"]))
    assert "15 jours" in stay and "3 mois" in stay
    assert "24 mois" in " ".join(procedure_texts(BY_ID["expatriate_posted"]))


# -- local bodies and statuses ----------------------------------------------------------


def _department_codes() -> list[str]:
    with (GEO / "departments.csv").open(encoding="utf-8", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def test_local_body_rules_cover_every_department_exactly_once() -> None:
    covered = Counter(
        code for rule in LOCAL_BODIES["rules"] for code in expand_codes(rule["departments"])
    )
    expected = _department_codes()
    assert set(covered) == set(expected)
    assert set(covered.values()) == {1}
    metropolitan = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
    assert set(expected) == {*metropolitan, "971", "972", "973", "974", "976"}


def test_local_body_rules_kinds_names_and_phones() -> None:
    rules = {rule["kind"]: rule for rule in LOCAL_BODIES["rules"]}
    assert set(rules) == {"cpam", "cgss", "cssm", "ccss"}
    assert rules["cpam"]["name"] == "CPAM {of_department}"
    assert rules["cgss"]["name"] == "CGSS {of_department}"
    assert list(expand_codes(rules["cgss"]["departments"])) == ["971", "972", "973", "974"]
    assert rules["cssm"] == {"kind": "cssm", "departments": ["976"], "organism": "cssm"}
    # Lozère is served by a caisse commune de sécurité sociale (audit 2026-11-28).
    assert rules["ccss"]["departments"] == ["48"]
    assert rules["ccss"]["name"] == "Caisse commune de sécurité sociale {of_department}"
    declared = {p["key"] for o in ORGANISMS for p in o["phones"]}
    for rule in (rules["cpam"], rules["cgss"], rules["ccss"]):
        assert set(rule["phones"]) <= declared
        assert rule["website"].startswith("https://")


def test_the_departments_with_several_caisses_get_a_note() -> None:
    """Nord, Pas-de-Calais, Seine-Maritime, Pyrénées-Atlantiques; the Seignanx (Landes)."""
    note = "plusieurs caisses dans ce département : votre compte ameli indique la vôtre"
    notes = LOCAL_BODIES["notes"]
    assert set(notes) == {"40", "59", "62", "64", "76"}
    assert notes["59"] == notes["62"] == note
    assert "Rouen-Elbeuf-Dieppe" in notes["76"] and "Havre" in notes["76"]
    assert "Bayonne" in notes["64"] and "Pau" in notes["64"] and "Bayonne" in notes["40"]


def test_every_status_has_a_rule_pointing_to_a_procedure_and_a_body() -> None:
    rules = STATUS_RULES["statuses"]
    assert set(rules) == set(STATUSES)
    kinds = {o["kind"] for o in ORGANISMS}
    for status, rule in rules.items():
        assert rule["procedure"] in BY_ID, status
        assert rule["organism"] == "local" or rule["organism"] in kinds, status
        explanation = " ".join(rule["explanation"].split())
        assert len(re.findall(r"[.!?](?:\s|$)", explanation)) == 1, status
    assert rules["agriculteur"]["organism"] == "msa"
    assert rules["militaire"]["organism"] == "cnmss"
    assert rules["marin"]["organism"] == "enim"
    assert rules["independant"]["organism"] == "local"
