"""The sources audit of 2026-11-28 (issue #13): every source links the page that says its
fact. The first release linked a bare home page for seven sources, the old generic
"règles d'identification" page for the born-abroad procedure, and showed secondary facts
under ameli.fr links; these tests would have caught each."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from secu.knowledge.checks import expand_codes
from secu.text import read_merged

ROOT = Path(__file__).resolve().parents[4]
KNOWLEDGE = ROOT / "data" / "knowledge"
# The audited file (this audit's sources) and every sources file (other areas' too).
AUDITED: dict[str, dict[str, Any]] = yaml.safe_load(
    (KNOWLEDGE / "sources.yml").read_text(encoding="utf-8")
)["sources"]
ALL_SOURCES: dict[str, dict[str, Any]] = read_merged(KNOWLEDGE, "sources")["sources"]
AUDIT_DAY = dt.date(2026, 11, 28)
GENERIC_IDENTIFICATION = "/assure/droits-demarches/principes/regles-identification-assures"


def is_home_page(url: str) -> bool:
    """A site's home page: no path (or "/"), no query."""
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


@pytest.mark.parametrize("key", sorted(ALL_SOURCES))
def test_no_source_links_a_bare_home_page_without_saying_why(key: str) -> None:
    source = ALL_SOURCES[key]
    if is_home_page(source["url"]):
        note = str(source.get("note") or "")
        assert "accueil" in note or "home" in note, f"{key}: {source['url']} needs a note"


def test_the_home_page_detector() -> None:
    assert is_home_page("https://www.ameli.fr") and is_home_page("https://www.cssm.fr/")
    assert not is_home_page("https://www.ameli.fr/assure/droits-demarches")
    assert not is_home_page("https://ec.europa.eu/social/main.jsp?catId=1110")


# The Assurance Maladie's forum is ameli's own page, but its answers are secondary facts.
AMELI_FORUM = "forum-assures.ameli.fr"


@pytest.mark.parametrize("key", sorted(ALL_SOURCES))
def test_a_secondary_source_is_never_shown_under_an_ameli_link(key: str) -> None:
    source = ALL_SOURCES[key]
    if source["kind"] == "secondary":
        host = urlsplit(source["url"]).hostname or ""
        ameli = host == "ameli.fr" or host.endswith(".ameli.fr")
        assert not ameli or host == AMELI_FORUM, key


def test_the_born_abroad_sources_link_the_born_abroad_page() -> None:
    born_abroad = AUDITED["ameli_born_abroad"]["url"]
    assert born_abroad.startswith("https://www.ameli.fr/assure/droits-demarches/")
    assert "/europe-international/protection-sociale-france/" in born_abroad
    assert born_abroad.endswith("/ne-etranger-demander-numero-securite-sociale")
    # The generic 2018 page says the number's rules, not the born-abroad procedure.
    generic = [k for k, s in AUDITED.items() if GENERIC_IDENTIFICATION in s["url"]]
    assert generic == ["ameli_identification"]


def test_every_audited_source_was_checked_on_the_audit_day() -> None:
    for key, source in AUDITED.items():
        assert source["checked_on"] >= AUDIT_DAY, key
        assert source["kind"] in ("official", "secondary"), key
        assert source["url"].startswith("https://"), key


def test_legal_texts_link_the_article_when_its_identifier_is_known() -> None:
    assert "/codes/article_lc/LEGIARTI" in AUDITED["css_d160_2"]["url"]
    assert "/eli/decret/2019/4/19/2019-341" in AUDITED["decret_nir"]["url"]
    for key in ("css_r114_7", "css_r161_1"):  # the article's identifier was not found
        assert AUDITED[key].get("note"), key


def test_the_several_caisses_and_the_ccss_are_recorded_as_they_are() -> None:
    local = read_merged(KNOWLEDGE, "local_bodies")
    rules = {rule["kind"]: rule for rule in local["rules"]}
    assert list(expand_codes(rules["ccss"]["departments"])) == ["48"]
    cpam = [
        code for rule in local["rules"] if rule["kind"] == "cpam" for code in rule["departments"]
    ]
    assert "48" not in list(expand_codes(cpam))
    notes = local["notes"]
    assert {"59", "62", "64", "76"} <= set(notes)
    assert "Rouen-Elbeuf-Dieppe" in notes["76"] and "Havre" in notes["76"]
    for rule in local["rules"]:
        assert "organism" in rule or set(rule["sources"]) <= set(ALL_SOURCES), rule["kind"]
