"""Where the person was born, from the 5 place characters of a NIR (6th to 10th): a
department and a commune, Corsica before 1976 (20), overseas (97x, 98x), abroad (99 and a
country), or 91-96, which have two meanings. Used by :mod:`secu.nir.decode`; the labels
and notes are answers of data/knowledge/answers/nir.yml (``nir_place_*``, ``nir_note_*``),
the names come from the INSEE files (secu/geo).

>>> from secu.geo.geography import get_geography
>>> found = place("185033306384762", get_geography())
>>> found.label, found.commune_name, found.born_abroad
('à Bordeaux (Gironde)', 'Bordeaux', False)
>>> either(1905, 2005)
'1905 ou 2005'
"""

from __future__ import annotations

from dataclasses import dataclass

from secu.content import render
from secu.geo.geography import Commune, Country, Department, Geography
from secu.language import FRENCH, speaking_language

CORSICA = "Corse"
# 91-95 are Île-de-France departments since 1968; for births before
# independence, 91-94 may denote Algeria, 95 Morocco and 96 Tunisia.
ILE_DE_FRANCE_YEAR = 1968
_BEFORE_INDEPENDENCE = {
    "91": ("99352", "Algérie", "l'Algérie"),
    "92": ("99352", "Algérie", "l'Algérie"),
    "93": ("99352", "Algérie", "l'Algérie"),
    "94": ("99352", "Algérie", "l'Algérie"),
    "95": ("99350", "Maroc", "le Maroc"),
    "96": ("99351", "Tunisie", "la Tunisie"),
}


def _in_sentence(department: Department, french: str) -> str:
    """A department in a sentence: with its French article or preposition ("de la
    Gironde") in French, its name alone in another language ("Gironde")."""
    return french if speaking_language() == FRENCH else department.name


def _country_names(code: str, geo: Geography) -> tuple[str, str]:
    """A country before independence (91-96), its name and its name in a sentence:
    "Algérie" and "l'Algérie" in French, "Algeria" twice in English."""
    _, name, with_article = _BEFORE_INDEPENDENCE[code]
    country = geo.country(_BEFORE_INDEPENDENCE[code][0])
    language = speaking_language()
    if language == FRENCH or country is None:
        return name, with_article
    return (country.name_in(language),) * 2


def _country_name(country: Country) -> str:
    return country.name_in(speaking_language())


@dataclass(frozen=True)
class Place:
    """What the place characters say: the place fields of :class:`~secu.nir.decode.NIRInfo`
    (``label`` is its ``place_label``), and the end of a country that no longer exists."""

    place_type: str
    label: str
    born_abroad: bool | None
    department_code: str | None = None
    department_name: str | None = None
    commune_code: str | None = None
    commune_name: str | None = None
    commune_found: bool | None = None
    country_code: str | None = None
    country_name: str | None = None
    country_valid_until: str | None = None
    ambiguity: str | None = None
    notes: tuple[str, ...] = ()


def either(*choices: object) -> str:
    """The choices joined by the word for "or" (answer ``nir_or``): "1905 ou 2005"."""
    return f" {render('nir_or')} ".join(str(choice) for choice in choices)


def _commune_label(commune: Commune, department_name: str | None) -> str:
    name = commune.display_name
    if department_name and not name.startswith(department_name):
        return render("nir_place_commune", commune=name, department=department_name)
    return render("nir_place_commune_alone", commune=name)


def _former_note(commune: Commune, geo: Geography) -> tuple[str, ...]:
    if not commune.is_former:
        return ()
    parent = geo.commune(commune.parent_code) if commune.parent_code else None
    if parent is None or parent.code == commune.code:
        return ()
    return (render("nir_note_former_commune", commune=commune.name, parent=parent.name),)


def _lookup_commune(code: str, geo: Geography) -> Commune | None:
    return geo.commune(code) or geo.former_commune(code)


def _department_place(
    place_type: str, code: str, department: Department | None, geo: Geography
) -> Place:
    department_name = department.name if department else None
    department_code = department.code if department else None
    commune = _lookup_commune(code, geo)
    if commune is not None:
        return Place(
            place_type=place_type,
            label=_commune_label(commune, department_name),
            born_abroad=False,
            department_code=department_code,
            department_name=department_name,
            commune_code=commune.code,
            commune_name=commune.display_name,
            commune_found=True,
            notes=_former_note(commune, geo),
        )
    if department:
        in_sentence = _in_sentence(department, department.with_preposition)
        label = render("nir_place_department_not_found", department=in_sentence)
    else:
        label = render("nir_place_france_not_found")
    return Place(
        place_type=place_type,
        label=label,
        born_abroad=False,
        department_code=department_code,
        department_name=department_name,
        commune_code=code,
        commune_found=False,
        notes=(render("nir_note_commune_not_found"),),
    )


def _corsica_before_1976(number: str, geo: Geography) -> Place:
    commune_number = number[7:10]
    commune = _lookup_commune("2A" + commune_number, geo) or _lookup_commune(
        "2B" + commune_number, geo
    )
    note = render("nir_note_corsica_20")
    if commune is None:
        return Place(
            place_type="corsica_before_1976",
            label=render("nir_place_corsica_not_found"),
            born_abroad=False,
            department_code="20",
            department_name=CORSICA,
            commune_code=number[5:10],
            commune_found=False,
            notes=(note, render("nir_note_commune_not_found")),
        )
    return Place(
        place_type="corsica_before_1976",
        label=render("nir_place_commune", commune=commune.display_name, department=CORSICA),
        born_abroad=False,
        department_code="20",
        department_name=CORSICA,
        commune_code=commune.code,
        commune_name=commune.display_name,
        commune_found=True,
        notes=(note, *_former_note(commune, geo)),
    )


def _overseas(number: str, geo: Geography) -> Place:
    code = number[5:8]
    department = geo.department(code)
    if department is not None:
        return _department_place("overseas", number[5:10], department, geo)
    collectivity = geo.collectivity(code)
    name = collectivity.name if collectivity else None
    return Place(
        place_type="overseas",
        label=render("nir_place_overseas", name=name)
        if name
        else render("nir_place_overseas_unnamed"),
        born_abroad=False,
        department_code=code,
        department_name=name,
    )


def _abroad(number: str, geo: Geography) -> Place:
    code = number[5:10]
    country = geo.country(code)
    if country is None:
        return Place(
            place_type="abroad",
            label=render("nir_place_abroad_not_found"),
            born_abroad=True,
            country_code=code,
            notes=(render("nir_note_country_not_found"),),
        )
    notes: tuple[str, ...] = ()
    if country.is_historical and country.valid_until:
        until = country.valid_until[:4]
        notes = (
            render("nir_note_historical_country_until", country=_country_name(country), year=until),
        )
    elif country.is_historical:
        notes = (render("nir_note_historical_country", country=_country_name(country)),)
    return Place(
        place_type="abroad",
        label=render("nir_place_abroad", country=_country_name(country)),
        born_abroad=True,
        country_code=country.code,
        country_name=country.name,
        country_valid_until=country.valid_until or None,
        notes=notes,
    )


def _before_independence(number: str, geo: Geography) -> Place:
    """91-96: an Île-de-France department (91-95, since 1968) or, before independence,
    Algeria (91-94), Morocco (95) or Tunisia (96). Never concluded as "born abroad"."""
    code = number[5:7]
    country_code, country_name, _ = _BEFORE_INDEPENDENCE[code]
    shown_name, country_with_article = _country_names(code, geo)
    department = geo.department(code) if code != "96" else None
    if department is None:
        note = render("nir_note_before_independence", code=code, country=country_with_article)
        return Place(
            place_type="ambiguous",
            label=render("nir_place_before_independence", country=shown_name),
            born_abroad=None,
            country_code=country_code,
            country_name=country_name,
            ambiguity=note,
            notes=(note,),
        )
    commune = geo.commune(number[5:10])
    note = render(
        "nir_note_two_meanings_commune" if commune else "nir_note_two_meanings",
        code=code,
        commune=commune.display_name if commune else "",
        department=_in_sentence(department, department.with_article),
        year=ILE_DE_FRANCE_YEAR,
        country=country_with_article,
    )
    return Place(
        place_type="ambiguous",
        label=either(department.name, shown_name),
        born_abroad=None,
        department_code=department.code,
        department_name=department.name,
        commune_code=commune.code if commune else number[5:10],
        commune_name=commune.display_name if commune else None,
        commune_found=commune is not None,
        country_code=country_code,
        country_name=country_name,
        ambiguity=note,
        notes=(note,),
    )


def place(number: str, geo: Geography) -> Place:
    """The place of birth of a valid (compact) number."""
    code = number[5:7]
    if code == "20":
        return _corsica_before_1976(number, geo)
    if code in ("97", "98"):
        return _overseas(number, geo)
    if code == "99":
        return _abroad(number, geo)
    if code in _BEFORE_INDEPENDENCE:
        return _before_independence(number, geo)
    return _department_place("france", number[5:10], geo.department(code), geo)
