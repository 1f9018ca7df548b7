"""Tests of secu.nir.decode (and secu.nir.place): what a valid number says about the
birth, and the sentences of describe.

Every number here is synthetic (tests/nirs.py).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from secu import nir
from secu.geo.geography import get_geography
from tests.nirs import (
    AJACCIO,
    BORDEAUX,
    INVALID,
    TODAY,
    VALID_BODIES,
    with_key,
)

PACKAGE = Path(nir.__file__).parent


def decode(number: str) -> nir.NIRInfo:
    return nir.decode(number, today=TODAY)


# -- decode: sex and kind of number ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sex_digit", "sex", "kind"),
    [
        ("1", "homme", "definitive"),
        ("2", "femme", "definitive"),
        ("3", None, "in_progress"),
        ("4", None, "in_progress"),
        ("7", None, "provisional"),
        ("8", None, "provisional"),
    ],
)
def test_decode_sex_and_kind(sex_digit: str, sex: str | None, kind: str) -> None:
    info = decode(with_key(sex_digit + "850333063847"))
    assert info.sex_digit == sex_digit
    assert info.sex == sex
    assert info.kind == kind
    assert info.kind_label
    if kind == "definitive":
        assert info.kind_label == "numéro définitif"
    else:
        assert any(sex_digit in note for note in info.notes)


def test_describe_explains_provisional_and_in_progress_numbers() -> None:
    provisional = nir.describe(decode(with_key("7850333063847")))
    assert "provisoire" in provisional
    in_progress = nir.describe(decode(with_key("3850399350211")))
    assert "en cours" in in_progress


# -- decode: year ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "possible"),
    [
        ("85", (1985,)),
        ("99", (1999,)),
        ("27", (1927,)),  # after 2026's "26": only 19xx
        ("26", (1926, 2026)),
        ("05", (1905, 2005)),
        ("00", (1900, 2000)),
    ],
)
def test_decode_year(year: str, possible: tuple[int, ...]) -> None:
    info = decode(with_key("1" + year + "0333063847"))
    assert info.year == year
    assert info.possible_years == possible


def test_decode_uses_today_by_default() -> None:
    info = nir.decode(with_key("1850333063847"))
    assert info.possible_years == (1985,)


# -- decode: month -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "month", "label", "has_note"),
    [
        ("01", 1, "janvier", False),
        ("03", 3, "mars", False),
        ("08", 8, "août", False),
        ("12", 12, "décembre", False),
        ("20", None, "mois inconnu", True),
        ("30", None, "mois inconnu", True),
        ("31", 1, "janvier", True),
        ("33", 3, "mars", True),
        ("42", 12, "décembre", True),
        ("50", None, "mois inconnu", True),
        ("99", None, "mois inconnu", True),
    ],
)
def test_decode_month(code: str, month: int | None, label: str, has_note: bool) -> None:
    info = decode(with_key("185" + code + "33063847"))
    assert info.month_code == code
    assert info.month == month
    assert info.month_label == label
    assert any(f"code mois {code}" in note for note in info.notes) == has_note


def test_describe_unknown_month() -> None:
    text = nir.describe(decode(with_key("1852533063847")))
    assert text == "Numéro d'une personne née en 1985 (mois non précisé) à Bordeaux (Gironde)."


def test_incomplete_document_month_is_explained() -> None:
    info = decode(with_key("1853333063847"))
    assert nir.describe(info).startswith("Numéro d'une personne née en mars 1985 à Bordeaux")
    assert any("incomplet" in note for note in info.notes)


# -- decode: place in France ---------------------------------------------------------------


def test_decode_bordeaux() -> None:
    info = decode(BORDEAUX)
    assert info.place_type == "france"
    assert info.department_code == "33"
    assert info.department_name == "Gironde"
    assert info.commune_code == "33063"
    assert info.commune_name == "Bordeaux"
    assert info.commune_found is True
    assert info.born_abroad is False
    assert info.country_code is None
    assert info.has_key is True
    assert info.masked == "1 85 03 •• ••• ••• ••"
    assert info.ambiguity is None
    assert nir.describe(info) == "Numéro d'une personne née en mars 1985 à Bordeaux (Gironde)."


@pytest.mark.parametrize(
    ("body", "commune", "department", "sentence"),
    [
        ("2930375115123", "Paris 15e arrondissement", "Paris", "à Paris 15e arrondissement."),
        ("2930369383123", "Lyon 3e arrondissement", "Rhône", "à Lyon 3e arrondissement (Rhône)."),
        (
            "2930313208123",
            "Marseille 8e arrondissement",
            "Bouches-du-Rhône",
            "à Marseille 8e arrondissement (Bouches-du-Rhône).",
        ),
        ("2930375056123", "Paris", "Paris", "à Paris."),
        ("2930359350123", "Lille", "Nord", "à Lille (Nord)."),
    ],
)
def test_decode_cities_and_arrondissements(
    body: str, commune: str, department: str, sentence: str
) -> None:
    info = decode(with_key(body))
    assert info.commune_name == commune
    assert info.department_name == department
    assert nir.describe(info).endswith(sentence)


def test_unknown_commune_is_not_an_error() -> None:
    number = with_key("1850333999321")
    assert nir.is_valid(number)
    info = decode(number)
    assert info.commune_found is False
    assert info.commune_name is None
    assert info.department_name == "Gironde"
    assert any(note.startswith("Commune non retrouvée") for note in info.notes)
    assert nir.describe(info) == (
        "Numéro d'une personne née en mars 1985 dans le département de la Gironde "
        "(commune non retrouvée)."
    )


def test_former_commune_is_named_with_its_current_commune() -> None:
    info = decode(with_key("1850301039321"))
    assert info.commune_found is True
    assert info.commune_name == "Béon"
    assert info.department_name == "Ain"
    assert any("Culoz-Béon" in note for note in info.notes)


# -- decode: Corsica -----------------------------------------------------------------------


def test_corsica_since_1976() -> None:
    info = decode(AJACCIO)
    assert info.place_type == "france"
    assert info.department_code == "2A"
    assert info.department_name == "Corse-du-Sud"
    assert info.commune_name == "Ajaccio"
    assert nir.describe(info) == "Numéro d'une personne née en mars 1993 à Ajaccio (Corse-du-Sud)."
    bastia = decode(with_key("185032B033123"))
    assert bastia.department_name == "Haute-Corse"
    assert bastia.commune_name == "Bastia"


def test_corsica_before_1976_uses_20() -> None:
    info = decode(with_key("1500320004123"))
    assert info.place_type == "corsica_before_1976"
    assert info.department_code == "20"
    assert info.department_name == "Corse"
    assert info.commune_code == "2A004"
    assert info.commune_name == "Ajaccio"
    assert info.born_abroad is False
    assert any("avant 1976" in note for note in info.notes)
    assert nir.describe(info) == "Numéro d'une personne née en mars 1950 à Ajaccio (Corse)."


def test_corsica_codes_narrow_the_century() -> None:
    # 20 is only used before 1976: "05" is 1905, not 2005
    assert decode(with_key("1050320004123")).possible_years == (1905,)
    # 2A/2B only since 1976: "05" is 2005, not 1905
    assert decode(with_key("105032A004123")).possible_years == (2005,)


@pytest.mark.parametrize("body", ["185032A004123", "1850320004123"])
def test_corsica_code_that_does_not_fit_the_year_is_explained_not_rejected(body: str) -> None:
    # 2A in 1985 is fine; 20 in 1985 does not fit, 2A in 1950 neither
    info = decode(with_key(body))
    assert info.possible_years == (1985,)
    misfit = body[5:7] == "20"
    assert any("ne correspond pas" in note for note in info.notes) == misfit
    old_2a = decode(with_key("150032A004123"))
    assert old_2a.possible_years == (1950,)
    assert any("depuis 1976" in note for note in old_2a.notes)


def test_corsica_unknown_commune() -> None:
    info = decode(with_key("1500320999123"))
    assert info.commune_found is False
    assert "Corse (commune non retrouvée)" in nir.describe(info)


# -- decode: overseas ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "department", "commune", "label"),
    [
        ("1850397105321", "Guadeloupe", "Basse-Terre", "à Basse-Terre (Guadeloupe)"),
        ("1850397411321", "La Réunion", "Saint-Denis", "à Saint-Denis (La Réunion)"),
        ("1850397611321", "Mayotte", "Mamoudzou", "à Mamoudzou (Mayotte)"),
    ],
)
def test_overseas_departments(body: str, department: str, commune: str, label: str) -> None:
    info = decode(with_key(body))
    assert info.place_type == "overseas"
    assert info.department_name == department
    assert info.commune_name == commune
    assert info.born_abroad is False
    assert info.place_label == label


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("1850397501321", "Saint-Pierre-et-Miquelon"),
        ("1850397701321", "Saint-Barthélemy"),
        ("1850397801321", "Saint-Martin"),
        ("1850398411321", "Terres australes et antarctiques françaises"),
        ("1850398611321", "Wallis-et-Futuna"),
        ("1850398711321", "Polynésie française"),
        ("1850398818321", "Nouvelle-Calédonie"),
    ],
)
def test_overseas_collectivities(body: str, name: str) -> None:
    info = decode(with_key(body))
    assert info.place_type == "overseas"
    assert info.department_code == body[5:8]
    assert info.department_name == name
    assert info.commune_found is None
    assert info.born_abroad is False
    assert nir.describe(info) == f"Numéro d'une personne née en mars 1985 outre-mer ({name})."


def test_overseas_unknown_commune() -> None:
    info = decode(with_key("1850397499321"))
    assert info.commune_found is False
    assert "dans le département de La Réunion (commune non retrouvée)" in nir.describe(info)


# -- decode: abroad --------------------------------------------------------------------------


def test_born_abroad_current_country() -> None:
    info = decode(with_key("1850399350321"))
    assert info.place_type == "abroad"
    assert info.country_code == "99350"
    assert info.country_name == "Maroc"
    assert info.born_abroad is True
    assert info.department_code is None
    assert nir.describe(info) == "Numéro d'une personne née en mars 1985 à l'étranger (Maroc)."


def test_born_abroad_historical_country() -> None:
    info = decode(with_key("1850399115321"))
    assert info.country_name == "Tchécoslovaquie"
    assert info.born_abroad is True
    assert any("Tchécoslovaquie" in note and "1993" in note for note in info.notes)
    # Czechoslovakia ended in 1993: "05" can only be 1905
    assert decode(with_key("1050399115321")).possible_years == (1905,)


def test_born_abroad_east_germany() -> None:
    info = decode(with_key("1650399141321"))
    assert info.country_name == "Allemagne de l’Est"


def test_born_abroad_unknown_country_is_not_an_error() -> None:
    number = with_key("1850399199321")
    assert nir.is_valid(number)
    info = decode(number)
    assert info.country_name is None
    assert info.born_abroad is True
    assert "pays non retrouvé" in nir.describe(info)


# -- decode: 91-96 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "department", "country", "commune"),
    [
        ("1850391228321", "Essonne", "Algérie", "Évry-Courcouronnes"),
        ("1580392999321", "Hauts-de-Seine", "Algérie", None),
        ("1580393066321", "Seine-Saint-Denis", "Algérie", "Saint-Denis"),
        ("1580394038321", "Val-de-Marne", "Algérie", "L'Haÿ-les-Roses"),
        ("1850395127321", "Val-d'Oise", "Maroc", "Cergy"),
    ],
)
def test_91_to_95_have_two_meanings(
    body: str, department: str, country: str, commune: str | None
) -> None:
    info = decode(with_key(body))
    assert info.place_type == "ambiguous"
    assert info.born_abroad is None
    assert info.department_name == department
    assert info.country_name == country
    assert info.commune_name == commune
    text = nir.describe(info)
    assert department in text
    assert country in text
    assert "1968" in text
    assert "avant l'indépendance" in text
    assert "à l'étranger" not in text
    assert info.ambiguity is not None and info.ambiguity in text


def test_96_is_tunisia_before_independence() -> None:
    info = decode(with_key("1500396123123"))
    assert info.place_type == "ambiguous"
    assert info.born_abroad is None
    assert info.department_code is None
    assert info.country_name == "Tunisie"
    assert nir.describe(info) == (
        "Numéro d'une personne née en mars 1950. Le code lieu 96 désigne la Tunisie, "
        "pour une naissance avant l'indépendance."
    )


# -- decode: numbers without key, invalid numbers, the data class ------------------------------


def test_decode_without_key() -> None:
    info = decode("1850333063847")
    assert info.has_key is False
    assert info.masked == "1 85 03 •• ••• •••"
    assert any("clé" in note for note in info.notes)
    assert nir.describe(info) == (
        "Numéro d'une personne née en mars 1985 à Bordeaux (Gironde). "
        "La clé n'a pas été donnée, elle n'a donc pas pu être vérifiée."
    )


@pytest.mark.parametrize(("text", "error"), INVALID)
def test_decode_refuses_invalid_numbers(text: str, error: type[nir.InvalidNIR]) -> None:
    with pytest.raises(error):
        decode(text)


def test_decode_accepts_a_geography() -> None:
    info = nir.decode(BORDEAUX, get_geography(), today=TODAY)
    assert info.commune_name == "Bordeaux"


def test_decode_accepts_the_number_however_typed() -> None:
    assert decode(nir.format(AJACCIO).lower()) == decode(AJACCIO)


def test_info_is_frozen_plain_data() -> None:
    info = decode(BORDEAUX)
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.sex = "femme"  # type: ignore[misc]
    for value in dataclasses.asdict(info).values():
        assert value is None or isinstance(value, (str, int, bool, tuple))


@pytest.mark.parametrize("body", VALID_BODIES)
def test_describe_never_repeats_the_number(body: str) -> None:
    number = with_key(body)
    for text in (nir.describe(decode(number)), *decode(number).notes):
        assert number[5:13] not in nir.compact(text)
        assert number[7:] not in nir.compact(text)


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_module_has_no_rasa_import(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert "import rasa" not in source and "from rasa" not in source
