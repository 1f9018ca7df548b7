"""The knowledge base's look-ups (secu.knowledge.queries) over the real content, on
SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL (fixtures in conftest.py)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from secu.knowledge import loader, models
from secu.knowledge import queries as q
from secu.knowledge.db import session_scope
from secu.status import STATUSES

ROOT = Path(__file__).resolve().parents[4]
GEO = ROOT / "data" / "geo"
FACTS_PHONES = {"3646", "+33 1 84 90 36 46", "02 69 61 91 91", "+33 2 69 61 91 91"}
NOTE = "plusieurs caisses dans ce département : votre compte ameli indique la vôtre"


# -- local bodies ------------------------------------------------------------------------------


def department_codes() -> list[str]:
    with (GEO / "departments.csv").open(encoding="utf-8", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def test_every_department_gets_its_local_body(session: Session) -> None:
    codes = department_codes()
    metropolitan = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
    assert set(codes) == {*metropolitan, "971", "972", "973", "974", "976"}
    for code in codes:
        body = q.local_body(session, code)
        assert body is not None, code
        assert body.department.code == code
        expected_kind = {"971": "cgss", "972": "cgss", "973": "cgss", "974": "cgss"}.get(code)
        expected_kind = "cssm" if code == "976" else expected_kind
        expected_kind = "ccss" if code == "48" else expected_kind or "cpam"
        assert body.organism.kind == expected_kind, code
        assert body.organism.phones, code
        if code in ("59", "62"):
            assert body.note == NOTE, code
        else:
            assert (body.note is not None) == (code in ("40", "64", "76")), code
        assert body.organism.sources and body.organism.website.startswith("https://")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("33", "CPAM de la Gironde"),
        ("69", "CPAM du Rhône"),
        ("13", "CPAM des Bouches-du-Rhône"),
        ("75", "CPAM de Paris"),
        ("01", "CPAM de l'Ain"),
        ("28", "CPAM d'Eure-et-Loir"),
        ("2A", "CPAM de la Corse-du-Sud"),
        ("2b", "CPAM de la Haute-Corse"),
        ("59", "CPAM du Nord"),
        ("48", "Caisse commune de sécurité sociale de la Lozère"),
        ("971", "CGSS de la Guadeloupe"),
        ("972", "CGSS de la Martinique"),
        ("973", "CGSS de la Guyane"),
        ("974", "CGSS de La Réunion"),
        ("976", "Caisse de sécurité sociale de Mayotte"),
    ],
)
def test_local_body_names(session: Session, code: str, name: str) -> None:
    body = q.local_body(session, code)
    assert body is not None and body.name == name


@pytest.mark.parametrize("code", ["20", "975", "977", "00", "99", "abc", ""])
def test_no_local_body_for_a_code_that_is_not_a_department(session: Session, code: str) -> None:
    assert q.local_body(session, code) is None
    assert q.contact_for_department(session, code) is None


def test_only_the_facts_phone_numbers_are_in_the_database(session: Session) -> None:
    numbers = set(session.execute(sa.select(models.Phone.number)).scalars())
    assert numbers == FACTS_PHONES


# -- queries -----------------------------------------------------------------------------------


def assert_plain(value: Any) -> None:
    """Frozen dataclasses, tuples and plain values only: no ORM object, no list."""
    if dataclasses.is_dataclass(value):
        assert type(value).__dataclass_params__.frozen, type(value)
        assert type(value).__module__ == q.__name__
        for item in dataclasses.fields(value):
            assert_plain(getattr(value, item.name))
    elif isinstance(value, tuple):
        for item in value:
            assert_plain(item)
    else:
        assert value is None or isinstance(value, (str, int, float, dt.date)), type(value)


def test_procedure_is_a_complete_frozen_value(loaded: tuple[Engine, loader.LoadReport]) -> None:
    with session_scope(loaded[0]) as found:
        info = q.procedure(found, "lost_number_with_document")
    assert info is not None  # still usable once the session is closed
    assert_plain(info)
    assert info.title and info.summary and info.audience
    assert len(info.steps) >= 3 and info.steps[0].startswith("Regardez votre carte Vitale")
    assert info.links[0].url == "https://www.service-public.fr/particuliers/vosdroits/F16467"
    assert "where_number" in info.sources
    assert info.checked_on == dt.date(2026, 11, 27)
    assert info.topic == "lost_number" and info.is_default
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.title = "x"  # type: ignore[misc]


def test_procedure_keeps_the_order_of_the_file(session: Session) -> None:
    info = q.procedure(session, "born_abroad")
    assert info is not None
    assert info.steps[0].startswith("Remplissez le formulaire S1106")
    assert info.documents[0] == "Le formulaire S1106"
    assert info.sources == ("ameli_born_abroad", "css_r114_7", "css_r161_1")
    assert info.delays and "9 mois" in info.delays
    no_document = q.procedure(session, "lost_number_no_document")
    assert no_document is not None and no_document.documents == ("Une pièce d'identité",)
    app = q.procedure(session, "carte_vitale_app")
    assert app is not None and app.documents == () and app.delays is None


def test_unknown_procedure(session: Session) -> None:
    assert q.procedure(session, "nothing_here") is None


@pytest.mark.parametrize(
    ("topic", "status", "expected"),
    [
        ("born_abroad", None, "born_abroad"),
        ("born_abroad", "salarie", "born_abroad_employee"),
        ("born_abroad", "etudiant", "born_abroad_student"),
        ("born_abroad", "sans_emploi", "born_abroad_not_working"),
        ("born_abroad", "independant", "born_abroad"),
        ("organism", "independant", "self_employed"),
        ("organism", "marin", "sailor"),
        ("organism", "fonctionnaire", "civil_servant"),
        ("return_to_france", "salarie", "return_with_job"),
        ("return_to_france", "retraite", "return_with_job"),
        ("return_to_france", "sans_emploi", "return_without_job"),
        ("return_to_france", None, None),
        ("lost_number", None, "lost_number_with_document"),
        ("carte_vitale", None, None),  # no default: the topic asks which case
        ("travel_europe", "salarie", "stay_in_europe"),
        ("book_appointment", None, "book_appointment"),
        ("attestation_droits", None, "attestation_droits"),
        ("expatriate", None, None),
        ("organism", None, None),
        ("weather", None, None),
    ],
)
def test_procedure_for(
    session: Session, topic: str, status: str | None, expected: str | None
) -> None:
    info = q.procedure_for(session, topic, status)
    assert (info.id if info else None) == expected


@pytest.mark.parametrize(
    ("topic", "status", "situation", "expected"),
    [
        ("lost_number", None, "sans_document", "lost_number_no_document"),
        ("carte_vitale", None, "appli", "carte_vitale_app"),
        ("born_abroad", None, "nia", "nia_explained"),
        ("born_abroad", "salarie", "citoyen_ue", "born_abroad_eu_citizen"),
        ("expatriate", None, "detache", "expatriate_posted"),
        ("expatriate", "salarie", "expatrie", "expatriate_expat"),
        ("return_to_france", None, "reprise_immediate", "return_with_job"),
        ("return_to_france", "salarie", "sans_reprise", "return_without_job"),
        # a situation of another topic is ignored: the status, then the default, decide
        ("born_abroad", "etudiant", "detache", "born_abroad_student"),
        ("lost_number", None, "appli", "lost_number_with_document"),
        ("expatriate", None, "unknown", None),
    ],
)
def test_procedure_for_a_situation(
    session: Session, topic: str, status: str | None, situation: str, expected: str | None
) -> None:
    info = q.procedure_for(session, topic, status, situation)
    assert (info.id if info else None) == expected
    if info is not None and info.id == expected and situation in info.situations:
        assert not info.is_default


@pytest.mark.parametrize("status", STATUSES)
def test_organism_for_every_status(session: Session, status: str) -> None:
    info = q.organism_for_status(session, status)
    assert info is not None
    assert_plain(info)
    assert info.explanation and info.sources
    assert q.procedure(session, info.procedure_id) is not None
    if info.is_local:
        assert info.organism is None  # no department given
        with_department = q.organism_for_status(session, status, "33")
        assert with_department is not None and with_department.organism is not None
        assert with_department.organism.name == "CPAM de la Gironde"
    else:
        assert info.organism is not None and info.organism.kind == info.organism_kind


def test_organism_for_status_national_schemes_and_notes(session: Session) -> None:
    farmer = q.organism_for_status(session, "agriculteur", "33")
    assert farmer is not None and farmer.organism is not None
    assert (farmer.organism.short_name, farmer.organism.website) == ("MSA", "https://www.msa.fr")
    assert farmer.organism.phones == ()
    soldier = q.organism_for_status(session, "militaire")
    assert soldier is not None and soldier.organism is not None
    assert soldier.organism.short_name == "CNMSS"
    sailor = q.organism_for_status(session, "marin")
    assert sailor is not None and sailor.organism is not None
    assert sailor.organism.website == "https://www.enim.eu"
    nord = q.organism_for_status(session, "salarie", "59")
    assert nord is not None and nord.note == NOTE
    mayotte = q.organism_for_status(session, "independant", "976")
    assert mayotte is not None and mayotte.organism is not None
    assert mayotte.organism.short_name == "CSSM"
    assert q.organism_for_status(session, "astronaute") is None


@pytest.mark.parametrize(
    ("typed", "code"), [("2a", "2A"), ("1", "01"), (" 33 ", "33"), ("974", "974")]
)
def test_local_body_accepts_loose_codes(session: Session, typed: str, code: str) -> None:
    body = q.local_body(session, typed)
    assert body is not None and body.department.code == code


def test_contact_for_a_metropolitan_department(session: Session) -> None:
    contact = q.contact_for_department(session, "33")
    assert contact is not None
    assert_plain(contact)
    assert contact.organism.name == "CPAM de la Gironde"
    assert [p.display for p in contact.phones] == ["3646 (service gratuit + prix de l'appel)"]
    assert [p.number for p in contact.abroad_phones] == ["+33 1 84 90 36 46"]
    assert {"ameli_contact", "cleiss"} <= set(contact.sources)
    assert contact.department.with_preposition == "de la Gironde"


def test_contact_for_mayotte_is_the_cssm(session: Session) -> None:
    contact = q.contact_for_department(session, "976")
    assert contact is not None
    assert contact.organism.kind == "cssm"
    assert [p.number for p in contact.phones] == ["02 69 61 91 91"]
    assert [p.number for p in contact.abroad_phones] == ["+33 2 69 61 91 91"]
    phone = contact.phones[0]
    assert phone.hours is not None and "lundi au jeudi" in phone.hours
    assert phone.hours_caution and "3646" not in " ".join(p.number for p in contact.phones)
    assert contact.sources == ("cssm_mayotte",)


def test_contact_for_an_overseas_department_is_the_cgss(session: Session) -> None:
    contact = q.contact_for_department(session, "972")
    assert contact is not None
    assert contact.organism.name == "CGSS de la Martinique"
    assert contact.phones[0].number == "3646"


def test_the_national_phone_of_a_caisse(session: Session) -> None:
    """The 3646 as a contact shows it (it was also the retired ``national_phone()``)."""
    contact = q.contact_for_department(session, "33")
    assert contact is not None
    phone = contact.phones[0]
    assert_plain(phone)
    assert phone.number == "3646" and not phone.from_abroad
    assert phone.price_note == "service gratuit + prix de l'appel"
    assert phone.hours == "du lundi au vendredi, de 8 h 30 à 17 h 30"
    assert phone.hours_caution and "varier selon votre caisse" in phone.hours_caution
    assert phone.hours_text and phone.hours_text.endswith(f"({phone.hours_caution})")
    assert phone.sources == ("ameli_contact",)


def test_the_phones_to_call_from_abroad(session: Session) -> None:
    """The Assurance Maladie's, and Mayotte's CSSM's (the retired ``contact_from_abroad()``)."""
    found = []
    for code in ("33", "976"):
        contact = q.contact_for_department(session, code)
        assert contact is not None
        found.extend(contact.abroad_phones)
    assert_plain(tuple(found))
    assert [p.number for p in found] == ["+33 1 84 90 36 46", "+33 2 69 61 91 91"]
    assert all(p.from_abroad for p in found)
    assert found[0].owner_key == "assurance_maladie" and found[0].sources == ("cleiss",)


def test_the_department_of_a_local_body(session: Session) -> None:
    corsica = q.local_body(session, "2a")
    assert corsica is not None and corsica.department.name == "Corse-du-Sud"
    assert corsica.department.with_preposition == "de la Corse-du-Sud"
    assert corsica.department.with_article == "la Corse-du-Sud"
    reunion = q.local_body(session, "974")
    assert reunion is not None and reunion.department.with_preposition == "de La Réunion"
    assert not reunion.department.is_metropolitan
    assert q.local_body(session, "975") is None
