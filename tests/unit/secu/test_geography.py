"""Tests of secu.geo.geography: the COG 2025 look-ups the NIR decoder and the dialogue use."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from secu.geo import geography
from secu.geo.geography import Geography, get_geography, normalize_name

REPO = Path(__file__).resolve().parents[3]
GEO_DIR = REPO / "data" / "geo"


@pytest.fixture(scope="module")
def geo() -> Geography:
    return get_geography()


# -- the data folder -------------------------------------------------------------


def test_data_folder_has_the_cog_files_and_the_attribution() -> None:
    for name in ("departments.csv", "communes.csv", "countries.csv", "collectivities.csv"):
        assert (GEO_DIR / name).is_file(), name
    readme = (GEO_DIR / "README.md").read_text(encoding="utf-8")
    assert "Source : Insee, Code officiel géographique 2025" in readme
    assert "Licence Ouverte" in readme
    assert "Etalab" in readme


def test_collectivities_file_lists_the_overseas_codes_that_are_not_departments() -> None:
    with (GEO_DIR / "collectivities.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["code"]: row["name"] for row in csv.DictReader(handle)}
    assert rows == {
        "975": "Saint-Pierre-et-Miquelon",
        "977": "Saint-Barthélemy",
        "978": "Saint-Martin",
        "984": "Terres australes et antarctiques françaises",
        "986": "Wallis-et-Futuna",
        "987": "Polynésie française",
        "988": "Nouvelle-Calédonie",
    }


def test_module_reads_only_inside_the_repository() -> None:
    source = Path(geography.__file__).read_text(encoding="utf-8")
    assert "../shared" not in source and "/work/shared" not in source
    assert geography.DEFAULT_GEO_DIR == GEO_DIR
    assert "import rasa" not in source and "from rasa" not in source


def test_get_geography_is_loaded_once(geo: Geography) -> None:
    assert get_geography() is geo


def test_sizes_match_the_cog_2025_files(geo: Geography) -> None:
    assert len(geo.departments) == 101
    assert len(geo.collectivities) == 7
    assert geo.commune("33063") is not None
    assert geo.country("99100") is not None


# -- departments -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "with_preposition", "with_article"),
    [
        ("33", "Gironde", "de la Gironde", "la Gironde"),
        ("69", "Rhône", "du Rhône", "le Rhône"),
        ("13", "Bouches-du-Rhône", "des Bouches-du-Rhône", "les Bouches-du-Rhône"),
        ("75", "Paris", "de Paris", "Paris"),
        ("01", "Ain", "de l'Ain", "l'Ain"),
        ("28", "Eure-et-Loir", "d'Eure-et-Loir", "Eure-et-Loir"),
        ("2A", "Corse-du-Sud", "de la Corse-du-Sud", "la Corse-du-Sud"),
        ("2B", "Haute-Corse", "de la Haute-Corse", "la Haute-Corse"),
        ("971", "Guadeloupe", "de la Guadeloupe", "la Guadeloupe"),
        ("974", "La Réunion", "de La Réunion", "La Réunion"),
        ("976", "Mayotte", "de Mayotte", "Mayotte"),
    ],
)
def test_department_names_with_article_and_preposition(
    geo: Geography, code: str, name: str, with_preposition: str, with_article: str
) -> None:
    department = geo.department(code)
    assert department is not None
    assert department.name == name
    assert department.with_preposition == with_preposition
    assert department.with_article == with_article


@pytest.mark.parametrize(
    ("typed", "code"), [("2a", "2A"), ("2b", "2B"), (" 33 ", "33"), ("1", "01")]
)
def test_department_codes_as_people_type_them(geo: Geography, typed: str, code: str) -> None:
    department = geo.department(typed)
    assert department is not None and department.code == code


@pytest.mark.parametrize("code", ["00", "20", "96", "975", "977", "988", "99", "xx"])
def test_codes_that_are_not_departments(geo: Geography, code: str) -> None:
    assert geo.department(code) is None


def test_metropolitan_flag(geo: Geography) -> None:
    assert geo.department("33").is_metropolitan  # type: ignore[union-attr]
    assert not geo.department("974").is_metropolitan  # type: ignore[union-attr]


def test_find_department_by_name(geo: Geography) -> None:
    assert geo.find_department("gironde").code == "33"  # type: ignore[union-attr]
    assert geo.find_department("cotes d'armor").code == "22"  # type: ignore[union-attr]
    assert geo.find_department("Atlantide") is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("la reunion", "974"),
        ("reunion", "974"),
        ("de la Réunion", "974"),
        ("en Gironde", "33"),
        ("dans le nord", "59"),
        ("l'ain", "01"),
        ("la seine saint denis", "93"),
        ("les bouches du rhone", "13"),
    ],
)
def test_find_department_with_or_without_its_article(geo: Geography, typed: str, code: str) -> None:
    assert geo.find_department(typed).code == code  # type: ignore[union-attr]


# -- overseas collectivities ------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("975", "Saint-Pierre-et-Miquelon"),
        ("977", "Saint-Barthélemy"),
        ("978", "Saint-Martin"),
        ("984", "Terres australes et antarctiques françaises"),
        ("986", "Wallis-et-Futuna"),
        ("987", "Polynésie française"),
        ("988", "Nouvelle-Calédonie"),
    ],
)
def test_collectivity_by_code(geo: Geography, code: str, name: str) -> None:
    collectivity = geo.collectivity(code)
    assert collectivity is not None and collectivity.name == name


@pytest.mark.parametrize("code", ["971", "976", "985", "989"])
def test_codes_that_are_not_collectivities(geo: Geography, code: str) -> None:
    assert geo.collectivity(code) is None


# -- communes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "department_code"),
    [
        ("33063", "Bordeaux", "33"),
        ("75056", "Paris", "75"),
        ("2A004", "Ajaccio", "2A"),
        ("2B033", "Bastia", "2B"),
        ("97411", "Saint-Denis", "974"),
        ("97611", "Mamoudzou", "976"),
        ("2a004", "Ajaccio", "2A"),
    ],
)
def test_commune_by_insee_code(geo: Geography, code: str, name: str, department_code: str) -> None:
    commune = geo.commune(code)
    assert commune is not None
    assert commune.name == name
    assert commune.department_code == department_code
    assert commune.type_code == "COM"


@pytest.mark.parametrize(
    ("codes", "city", "parent"),
    [
        ([f"751{n:02d}" for n in range(1, 21)], "Paris", "75056"),
        ([f"6938{n}" for n in range(1, 10)], "Lyon", "69123"),
        ([f"132{n:02d}" for n in range(1, 17)], "Marseille", "13055"),
    ],
)
def test_every_municipal_arrondissement_is_there(
    geo: Geography, codes: list[str], city: str, parent: str
) -> None:
    for code in codes:
        commune = geo.commune(code)
        assert commune is not None, code
        assert commune.is_arrondissement
        assert commune.parent_code == parent
        assert commune.display_name.startswith(city)
        assert commune.display_name.endswith("arrondissement")


def test_arrondissement_display_name(geo: Geography) -> None:
    commune = geo.commune("75115")
    assert commune is not None
    assert commune.name == "Paris 15e Arrondissement"
    assert commune.display_name == "Paris 15e arrondissement"
    assert geo.commune("69381").display_name == "Lyon 1er arrondissement"  # type: ignore[union-attr]


@pytest.mark.parametrize("code", ["33000", "75000", "00000", "75121", "20004", "97501", "abcde"])
def test_unknown_commune_codes(geo: Geography, code: str) -> None:
    assert geo.commune(code) is None


def test_former_communes_are_kept_apart(geo: Geography) -> None:
    assert geo.commune("01039") is None
    former = geo.former_commune("01039")
    assert former is not None
    assert former.name == "Béon"
    assert former.is_former
    assert former.parent_code == "01138"
    assert geo.commune(former.parent_code).name == "Culoz-Béon"  # type: ignore[union-attr]


def test_a_delegated_commune_sharing_its_parent_code_does_not_hide_the_commune(
    geo: Geography,
) -> None:
    commune = geo.commune("93066")
    assert commune is not None and commune.type_code == "COM"


@pytest.mark.parametrize(
    "typed", ["saint denis", "Saint-Denis", "SAINT-DENIS", "st denis", "Saint Denis "]
)
def test_find_communes_ignores_case_accents_and_hyphens(geo: Geography, typed: str) -> None:
    codes = [commune.code for commune in geo.find_communes(typed)]
    assert "93066" in codes
    assert "97411" in codes
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("saint etienne", "42218"),
        ("st-étienne", "42218"),
        ("l'hay les roses", "94038"),
        ("L’Haÿ-les-Roses", "94038"),
        ("bordeaux", "33063"),
        ("paris 15e arrondissement", "75115"),
        ("evry courcouronnes", "91228"),
    ],
)
def test_find_communes_finds_one(geo: Geography, typed: str, code: str) -> None:
    assert [commune.code for commune in geo.find_communes(typed)] == [code]


def test_find_communes_unknown_name(geo: Geography) -> None:
    assert geo.find_communes("Atlantis-sur-Mer") == []
    assert geo.find_communes("") == []


def test_find_communes_can_include_former_communes(geo: Geography) -> None:
    assert [commune.code for commune in geo.find_communes("beon")] == ["89037"]
    with_former = [commune.code for commune in geo.find_communes("beon", include_former=True)]
    assert with_former == ["01039", "89037"]


# -- countries -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "status"),
    [
        ("99350", "Maroc", "current"),
        ("99352", "Algérie", "current"),
        ("99115", "Tchécoslovaquie", "historical"),
        ("99141", "Allemagne de l’Est", "historical"),
        ("99430", "Groenland", "territory"),
        ("350", "Maroc", "current"),
    ],
)
def test_country_by_insee_code(geo: Geography, code: str, name: str, status: str) -> None:
    country = geo.country(code)
    assert country is not None
    assert country.name == name
    assert country.status == status
    assert country.is_historical == (status == "historical")


def test_historical_country_has_an_end_date(geo: Geography) -> None:
    assert geo.country("99115").valid_until == "1993-01-01"  # type: ignore[union-attr]


@pytest.mark.parametrize("code", ["99199", "99000", "12345", ""])
def test_unknown_country_codes(geo: Geography, code: str) -> None:
    assert geo.country(code) is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("maroc", "99350"),
        ("MAROC", "99350"),
        ("Royaume du Maroc", "99350"),
        ("etats unis", "99404"),
        ("États-Unis", "99404"),
        ("algerie", "99352"),
        ("chypre", "99254"),  # the current Chypre wins over the historical code
        ("tchecoslovaquie", "99115"),
        ("allemagne de l'est", "99141"),
    ],
)
def test_find_country(geo: Geography, typed: str, code: str) -> None:
    country = geo.find_country(typed)
    assert country is not None and country.code == code


def test_find_country_unknown(geo: Geography) -> None:
    assert geo.find_country("Atlantide") is None


# -- loading from another folder ---------------------------------------------------


def test_load_from_an_explicit_folder(tmp_path: Path) -> None:
    (tmp_path / "departments.csv").write_text(
        "code,name,article,preposition,capital_name,region_code,region_name,is_metropolitan\n"
        "33,Gironde,La ,de La ,Bordeaux,75,Nouvelle-Aquitaine,true\n",
        encoding="utf-8",
    )
    (tmp_path / "communes.csv").write_text(
        "code,type_code,name,department_code,parent_code\n33063,COM,Bordeaux,33,\n",
        encoding="utf-8",
    )
    (tmp_path / "countries.csv").write_text(
        "code,iso2_code,name,official_name,status,parent_code,valid_until\n"
        "99350,MA,Maroc,Royaume du Maroc,current,,\n",
        encoding="utf-8",
    )
    (tmp_path / "collectivities.csv").write_text(
        "code,name\n988,Nouvelle-Calédonie\n", encoding="utf-8"
    )
    small = Geography.load(tmp_path)
    assert small.department("33").with_preposition == "de la Gironde"  # type: ignore[union-attr]
    assert small.commune("33063").name == "Bordeaux"  # type: ignore[union-attr]
    assert small.find_country("maroc").code == "99350"  # type: ignore[union-attr]
    assert small.collectivity("988").name == "Nouvelle-Calédonie"  # type: ignore[union-attr]
    assert small.department("69") is None


def test_load_with_a_string_path() -> None:
    assert Geography.load(str(GEO_DIR)).commune("33063") is not None


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("  ST   ÉTIENNE ", "saint etienne"),
        ("Sainte-Marie", "sainte marie"),
        ("ste marie", "sainte marie"),
        ("L’Haÿ-les-Roses", "l hay les roses"),
        ("Œuilly", "oeuilly"),
    ],
)
def test_normalize_name(raw: str, key: str) -> None:
    assert normalize_name(raw) == key


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("maroc", "99350"),  # INSEE's name
        ("Germany", "99109"),  # the CLDR's English name
        ("Corée du Sud", "99239"),  # the CLDR's French name
        ("Angleterre", "99132"),  # country_aliases.csv
        ("UK", "99132"),
        ("usa", "99404"),
        ("Ivory Coast", "99326"),
        ("RDC", "99312"),
    ],
)
def test_find_country_named_as_people_name_it(geo: Geography, typed: str, code: str) -> None:
    country = geo.find_country_named(typed)
    assert country is not None and country.code == code


@pytest.mark.parametrize("typed", ["supermarket", "belge", "Atlantide", "Europe", ""])
def test_find_country_named_refuses_what_names_no_country(geo: Geography, typed: str) -> None:
    assert geo.find_country_named(typed) is None


def test_every_country_the_nlu_is_taught_or_looks_up_is_known(geo: Geography) -> None:
    """The country entities of the training data and the lookup table name countries the
    answers can speak of (a value the geography does not know is dropped as no country)."""
    import re

    root = Path(__file__).resolve().parents[3] / "data" / "nlu"
    values = {
        m.group(1)
        for path in root.rglob("*.yml")
        for m in re.finditer(r"\[([^\]]+)\]\(country\)", path.read_text(encoding="utf-8"))
    }
    lookup = (root / "lookups" / "country.yml").read_text(encoding="utf-8")
    values |= set(re.findall(r"^\s+- (.+?)\s*$", lookup, flags=re.MULTILINE))
    nationalities = {"belge"}  # "frontalier belge": an adjective, tagged as the country
    unknown = sorted(v for v in values - nationalities if geo.find_country_named(v) is None)
    assert not unknown
