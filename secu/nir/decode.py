"""What a valid NIR says about the birth: ``decode`` (plain data, :class:`NIRInfo`) and
``describe`` (one or two French sentences). Every sentence and label is an answer of
data/knowledge/answers/nir.yml (keys ``nir_kind_*``, ``nir_note_*``, ``nir_describe_*``;
the place is read by :mod:`secu.nir.place`).

>>> from datetime import date
>>> info = decode("1 85 03 33 063 847 62", today=date(2026, 11, 27))
>>> info.sex, info.possible_years, info.month_label, info.commune_name, info.born_abroad
('homme', (1985,), 'mars', 'Bordeaux', False)
>>> describe(info)
"Numéro d'une personne née en mars 1985 à Bordeaux (Gironde)."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from secu.content import render
from secu.geo.geography import Geography, get_geography
from secu.language import ENGLISH, speaking_language
from secu.nir.number import mask, validate
from secu.nir.place import Place, either, place
from secu.text import ENGLISH_MONTHS, FRENCH_MONTHS

MONTH_NAMES = FRENCH_MONTHS


def month_names() -> tuple[str, ...]:
    """The month names of the language being spoken."""
    return ENGLISH_MONTHS if speaking_language() == ENGLISH else MONTH_NAMES


# Corsica has two departments (2A, 2B) since 1 January 1976; before, code 20.
CORSICA_SPLIT_YEAR = 1976
# The first digit: the sex (answer key) and the kind of number. 3, 4, 7 and 8 are not
# errors; the sex is not inferred from them.
_KINDS: dict[str, tuple[str | None, str]] = {
    "1": ("nir_sex_man", "definitive"),
    "2": ("nir_sex_woman", "definitive"),
    "3": (None, "in_progress"),
    "4": (None, "in_progress"),
    "7": (None, "provisional"),
    "8": (None, "provisional"),
}


@dataclass(frozen=True)
class NIRInfo:
    """What a valid NIR says about the birth (plain data; French labels)."""

    masked: str
    has_key: bool  # False for a 13-character number: its key was not checked
    sex_digit: str
    sex: str | None  # "homme", "femme", or None (3, 4, 7, 8)
    kind: str  # "definitive", "in_progress" (3, 4) or "provisional" (7, 8)
    kind_label: str
    year: str  # two digits, as in the number
    possible_years: tuple[int, ...]
    month_code: str
    month: int | None
    month_label: str  # "mars", or "mois inconnu"
    place_type: str  # "france", "corsica_before_1976", "overseas", "abroad", "ambiguous"
    department_code: str | None
    department_name: str | None
    commune_code: str | None  # the INSEE code as it is found in the COG
    commune_name: str | None
    commune_found: bool | None  # None when there is no commune to look for
    country_code: str | None
    country_name: str | None
    born_abroad: bool | None  # None when the code has two possible meanings
    place_label: str  # the place as said in a sentence: "à Bordeaux (Gironde)"
    ambiguity: str | None  # 91-96: the sentence giving both meanings of the code
    notes: tuple[str, ...]  # short French explanations, in the order to say them


def _possible_years(two_digits: str, today: date) -> tuple[int, ...]:
    year = int(two_digits)
    return tuple(full for full in (1900 + year, 2000 + year) if full <= today.year)


def _month(code: str) -> tuple[int | None, str, str | None]:
    """The month (or None), its label and the note that explains a special code."""
    value = int(code)
    if 1 <= value <= 12:
        return value, month_names()[value - 1], None
    if 31 <= value <= 42:
        name = month_names()[value - 31]
        return value - 30, name, render("nir_note_month_incomplete", code=code, month=name)
    return None, render("nir_month_unknown"), render("nir_note_month_unknown", code=code)


def _corsica_years(
    place_code: str, years: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Narrows the century with the Corsican codes (20 before 1976, 2A/2B since)."""
    if place_code == "20":
        narrowed = tuple(year for year in years if year < CORSICA_SPLIT_YEAR)
        note_key = "nir_note_corsica_20_misfit"
    elif place_code in ("2A", "2B"):
        narrowed = tuple(year for year in years if year >= CORSICA_SPLIT_YEAR)
        note_key = "nir_note_corsica_2ab_misfit"
    else:
        return years, ()
    if narrowed:
        return narrowed, ()
    return years, (render(note_key),)


def _country_years(country_valid_until: str | None, years: tuple[int, ...]) -> tuple[int, ...]:
    """A country that stopped existing excludes the births after its end."""
    if not country_valid_until:
        return years
    last_year = int(country_valid_until[:4])
    narrowed = tuple(year for year in years if year <= last_year)
    return narrowed or years


def _notes(
    number: str, kind: str, kind_label: str, month_note: str | None, where: Place
) -> list[str]:
    """The notes of a decoded number, without those on the year and the key."""
    notes: list[str] = []
    if kind != "definitive":
        notes.append(render("nir_note_kind", digit=number[0], kind=kind_label))
    if month_note:
        notes.append(month_note)
    notes.extend(where.notes)
    return notes


def decode(number: str, geo: Geography | None = None, *, today: date | None = None) -> NIRInfo:
    """What the number says: sex or kind of number, year and month of birth, place.

    Raises :class:`~secu.nir.number.InvalidNIR` (a subclass) if the number is not valid.
    A 13-character number is decoded without its key being checked (``has_key`` is False
    and a note says so). ``today`` (default: today) bounds the possible years: "85" can
    only be 1985, "05" is 1905 or 2005.
    """
    number = validate(number)
    geo = geo if geo is not None else get_geography()
    sex_key, kind = _KINDS[number[0]]
    kind_label = render(f"nir_kind_{kind}")
    month, month_label, month_note = _month(number[3:5])
    where = place(number, geo)
    years, year_notes = _corsica_years(
        number[5:7], _possible_years(number[1:3], today or date.today())
    )
    has_key = len(number) == 15
    notes = [*_notes(number, kind, kind_label, month_note, where), *year_notes]
    if not has_key:
        notes.append(render("nir_note_no_key"))
    return NIRInfo(
        masked=mask(number),
        has_key=has_key,
        sex_digit=number[0],
        sex=render(sex_key) if sex_key else None,
        kind=kind,
        kind_label=kind_label,
        year=number[1:3],
        possible_years=_country_years(where.country_valid_until, years),
        month_code=number[3:5],
        month=month,
        month_label=month_label,
        place_type=where.place_type,
        department_code=where.department_code,
        department_name=where.department_name,
        commune_code=where.commune_code,
        commune_name=where.commune_name,
        commune_found=where.commune_found,
        country_code=where.country_code,
        country_name=where.country_name,
        born_abroad=where.born_abroad,
        place_label=where.label,
        ambiguity=where.ambiguity,
        notes=tuple(notes),
    )


def describe(info: NIRInfo) -> str:
    """One or two short French sentences about the number.

    "Numéro d'une personne née en mars 1985 à Bordeaux (Gironde)." The second
    sentence, if any, is the most useful remark: the double meaning of 91-96,
    a provisional number, or a missing key. All remarks are in ``info.notes``.
    """
    born = "nir_describe_born" if info.month is not None else "nir_describe_born_no_month"
    values = {"month": info.month_label, "years": either(*info.possible_years)}
    if info.ambiguity:
        return render(f"{born}_ambiguous", ambiguity=info.ambiguity, **values)
    sentences = [render(born, place=info.place_label, **values)]
    if info.kind != "definitive":
        sentences.append(render("nir_describe_kind", kind=info.kind_label))
    elif not info.has_key:
        sentences.append(render("nir_describe_no_key"))
    return " ".join(sentences)
