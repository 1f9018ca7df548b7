"""NIR (numéro d'inscription au répertoire, the French social security number).

Pure module (no Rasa import), shaped like python-stdnum's modules: ``compact``,
``validate`` raising precise exceptions, ``is_valid`` and ``format``, plus what
the assistant needs on top: ``mask`` (a form safe to show back), ``find_nirs`` and
``redact`` (spot NIRs in free text), ``decode`` and ``describe`` (what the number
says about the birth).

The number has 13 characters and a 2-digit key, usually written
``S AA MM DD CCC OOO KK``: sex (1), year (2), month (2), place of birth (5: a
department and a commune, ``99`` and a country, or an overseas code), order
number (3), key (2). The key is ``97 - (the 13 characters as a number mod 97)``,
with ``2A`` read as ``19`` and ``2B`` as ``18`` (computed here by
``stdnum.fr.nir``). A correct key only proves that the number is well formed,
not that it exists or belongs to the person typing it.

>>> validate("2 93 03 2a 004 123 67")
'293032A00412367'
>>> format("193037511512328")
'1 93 03 75 115 123 28'
>>> mask("193037511512328")
'1 93 03 •• ••• ••• ••'

Privacy: a NIR may only be checked in memory. Never log or store it in full:
log ``mask(number)``, and pass free text through ``redact`` before it is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from stdnum.fr import nir as stdnum_nir

from actions.geography import Commune, Department, Geography, get_geography
from actions.text import FRENCH_MONTHS

# Characters people put between the groups of digits: spaces (also non-breaking,
# narrow and figure spaces, tabs), dots and every kind of hyphen or dash.
SEPARATORS = " \t\u00a0\u2007\u2009\u202f.-\u2010\u2011\u2012\u2013\u2212"
_SEPARATOR_SET = frozenset(SEPARATORS)
_STRIP_SEPARATORS = str.maketrans("", "", SEPARATORS)

SEX_DIGITS = frozenset("123478")
_GROUP_SIZES = (1, 2, 2, 2, 3, 3, 2)
_HIDDEN = "•"
_VISIBLE = 5  # sex, year and month stay visible in a masked number

MONTH_NAMES = FRENCH_MONTHS

# Corsica has two departments (2A, 2B) since 1 January 1976; before, code 20.
CORSICA_SPLIT_YEAR = 1976
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
_OVERSEAS_THIRD_DIGITS = {"97": frozenset("12345678"), "98": frozenset("4678")}


# -- errors -------------------------------------------------------------------


class InvalidNIR(ValueError):
    """The text is not a valid NIR; ``code`` says why, ``message`` tells the user (French)."""

    code: ClassVar[str] = "invalid"
    default_message: ClassVar[str] = "Ce numéro de sécurité sociale n'est pas valide."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InvalidLength(InvalidNIR):
    code = "length"
    default_message = (
        "Un numéro de sécurité sociale compte 15 chiffres : 13 chiffres suivis "
        "d'une clé de 2 chiffres."
    )


class InvalidCharacters(InvalidNIR):
    code = "characters"
    default_message = (
        "Un numéro de sécurité sociale ne contient que des chiffres, sauf 2A ou 2B "
        "(6e et 7e caractères) pour une naissance en Corse."
    )


class InvalidSex(InvalidNIR):
    code = "sex"
    default_message = (
        "Le premier chiffre ne correspond pas : c'est 1 pour un homme, 2 pour une "
        "femme (ou 3, 4, 7 ou 8 pour un numéro provisoire ou en cours d'immatriculation)."
    )


class InvalidMonth(InvalidNIR):
    code = "month"
    default_message = (
        "Les 4e et 5e chiffres indiquent le mois de naissance (01 à 12, ou un code "
        "spécial quand le mois n'est pas connu) : ceux-ci ne correspondent à aucun "
        "mois possible."
    )


class InvalidPlace(InvalidNIR):
    code = "place"
    default_message = (
        "Les 6e et 7e caractères indiquent le lieu de naissance (01 à 95, 2A ou 2B "
        "pour la Corse, 97 ou 98 pour l'outre-mer, 99 pour l'étranger) : ceux-ci ne "
        "correspondent à aucun code possible."
    )


class InvalidCommune(InvalidNIR):
    """The commune code (or, after 99, the country code) cannot exist."""

    code = "commune"
    default_message = (
        "Les chiffres 8 à 10 indiquent la commune de naissance, et 000 n'est pas un "
        "code de commune possible."
    )


class InvalidOrder(InvalidNIR):
    code = "order"
    default_message = (
        "Les chiffres 11 à 13 (le numéro d'ordre) ne peuvent pas être 000 : il va de 001 à 999."
    )


class InvalidKey(InvalidNIR):
    code = "key"
    default_message = (
        "La clé (les 2 derniers chiffres) ne correspond pas au reste du numéro : il y a "
        "sans doute une faute de frappe. Pouvez-vous vérifier le numéro, par exemple "
        "sur votre carte Vitale ou votre attestation de droits ?"
    )


_OVERSEAS_PLACE_MESSAGE = (
    "Pour une naissance outre-mer, le lieu commence par 971 à 978, 984, 986, 987 ou "
    "988 : ce code-là n'existe pas."
)
_OVERSEAS_COMMUNE_MESSAGE = (
    "Pour une naissance outre-mer, les 9e et 10e chiffres indiquent la commune, et 00 "
    "n'est pas un code de commune possible."
)
_COUNTRY_MESSAGE = (
    "Pour une naissance à l'étranger (99), les chiffres 8 à 10 indiquent le pays : "
    "le premier de ces chiffres (le continent) va de 1 à 5."
)


# -- compact, validate, format, mask -------------------------------------------


def compact(text: str) -> str:
    """The number without separators, upper-cased ("2a" → "2A").

    Strips spaces (also non-breaking and narrow ones), dots and hyphens. The
    length is not checked here (13 characters without the key, 15 with it).
    """
    return "".join(text.translate(_STRIP_SEPARATORS).split()).upper()


_NIR_CHARACTERS_RE = re.compile(r"[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]*")
_NIR_SHAPE_RE = re.compile(r"[1-8][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]*")
_NIR_BODY_SEARCH_RE = re.compile(r"[1-8][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{6}")


def _has_nir_characters(number: str) -> bool:
    """Digits everywhere, except 2A/2B allowed as 6th and 7th characters."""
    return _NIR_CHARACTERS_RE.fullmatch(number) is not None


def _month_is_possible(month: int) -> bool:
    return 1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99


def _check_place(number: str) -> None:
    department = number[5:7]
    if department == "00":
        raise InvalidPlace()
    if department in _OVERSEAS_THIRD_DIGITS:
        if number[7] not in _OVERSEAS_THIRD_DIGITS[department]:
            raise InvalidPlace(_OVERSEAS_PLACE_MESSAGE)
        if number[8:10] == "00":
            raise InvalidCommune(_OVERSEAS_COMMUNE_MESSAGE)
    elif department == "99":
        if number[7] not in "12345":
            raise InvalidCommune(_COUNTRY_MESSAGE)
    elif number[7:10] == "000":
        raise InvalidCommune()


def calc_key(number: str) -> str:
    """The 2-digit key of the first 13 characters (2A/2B handled)."""
    return stdnum_nir.calc_check_digits(number[:13])


def validate(text: str) -> str:
    """The compact number if it is well formed, else a subclass of :class:`InvalidNIR`.

    A 13-character number (without its key) passes every check but the key,
    which cannot be verified.
    """
    number = compact(text)
    if len(number) not in (13, 15):
        if not number:
            raise InvalidLength(
                "Je n'ai pas trouvé de numéro : un numéro de sécurité sociale compte "
                "15 chiffres (13 chiffres suivis d'une clé de 2 chiffres)."
            )
        raise InvalidLength(
            "Un numéro de sécurité sociale compte 15 chiffres : 13 chiffres suivis "
            f"d'une clé de 2 chiffres. J'en compte {len(number)} dans ce que vous avez saisi."
        )
    if not _has_nir_characters(number):
        raise InvalidCharacters()
    if number[0] not in SEX_DIGITS:
        raise InvalidSex()
    if not _month_is_possible(int(number[3:5])):
        raise InvalidMonth()
    _check_place(number)
    if number[10:13] == "000":
        raise InvalidOrder()
    if len(number) == 15 and calc_key(number) != number[13:]:
        raise InvalidKey()
    return number


def is_valid(text: str) -> bool:
    """Whether :func:`validate` accepts the text."""
    try:
        validate(text)
    except InvalidNIR:
        return False
    return True


def _groups(number: str) -> list[str]:
    parts: list[str] = []
    position = 0
    for size in _GROUP_SIZES:
        if position >= len(number):
            break
        parts.append(number[position : position + size])
        position += size
    if position < len(number):
        parts[-1] += number[position:]
    return parts


def format(number: str) -> str:
    """The number in groups: "2 93 03 75 115 123 45" (without a key: 6 groups)."""
    return " ".join(_groups(compact(number)))


def mask(number: str) -> str:
    """A form safe to show back: "2 93 03 •• ••• ••• ••".

    Sex, year and month (the first 5 characters) stay visible; everything after
    them is hidden, whatever the length.
    """
    number = compact(number)
    hidden = number[:_VISIBLE] + _HIDDEN * max(0, len(number) - _VISIBLE)
    return " ".join(_groups(hidden))


# -- finding NIRs in free text -------------------------------------------------

_SEP = "[" + re.escape(SEPARATORS) + "]"
# A unit is a digit, or 2A / 2B (also "2 a") when more digits follow.
_UNIT = rf"(?:2{_SEP}?[AaBb](?={_SEP}{{0,3}}[0-9])|[0-9])"
# A run: digits (and 2A/2B) with at most 3 separator characters between them.
_RUN_RE = re.compile(rf"[0-9](?:{_SEP}{{0,3}}{_UNIT})*")
# Identifiers that must never be touched by redact (UUIDs, 32-hex ids).
_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}|[0-9a-fA-F]{32})(?![0-9A-Za-z])"
)
_MIN_LENGTH = 13


@dataclass(frozen=True)
class NIRMatch:
    """A NIR-shaped stretch of text: ``text[start:end]``, and its compact form."""

    start: int
    end: int
    compact: str

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


Match = NIRMatch


@dataclass(frozen=True)
class _Run:
    """A run of digits (and 2A/2B) with separators, as found in the text."""

    text: str
    compact: str
    positions: tuple[int, ...]  # index in text of each compact character
    cuts: tuple[int, ...]  # compact indexes where a group starts or ends (0 and len included)
    separators: str

    @property
    def start(self) -> int:
        return self.positions[0]

    @property
    def end(self) -> int:
        return self.positions[-1] + 1

    def span(self, first: int, stop: int) -> tuple[int, int]:
        return self.positions[first], self.positions[stop - 1] + 1

    @property
    def looks_decimal(self) -> bool:
        """One dot and nothing else between the digits: a decimal number (a timestamp)."""
        return self.separators == "."

    def is_glued(self, first: int, stop: int) -> bool:
        """Whether the stretch touches a letter, a digit or "+" (a word, an id, a phone).

        "n°" and "nº" before the number are fine.
        """
        start, end = self.span(first, stop)
        before = self.text[start - 1] if start > 0 else " "
        after = self.text[end] if end < len(self.text) else " "
        glued_before = (before.isalnum() and before not in "ºª") or before in "+_"
        return glued_before or after.isalnum() or after == "_"


_GROUP_RE = re.compile(rf"[^{re.escape(SEPARATORS)}]+")


def _runs(text: str) -> Iterator[_Run]:
    for found in _RUN_RE.finditer(text):
        run_start, run_end = found.span()
        if run_end - run_start < _MIN_LENGTH:
            continue
        groups = list(_GROUP_RE.finditer(text, run_start, run_end))
        chars = "".join(group.group() for group in groups).upper()
        if len(chars) < _MIN_LENGTH:
            continue
        positions: list[int] = []
        cuts = [0]
        for group in groups:
            positions.extend(range(group.start(), group.end()))
            cuts.append(len(positions))
        separators = _GROUP_RE.sub("", found.group())
        yield _Run(
            text=text,
            compact=chars,
            positions=tuple(positions),
            cuts=tuple(cuts),
            separators=separators,
        )


def _is_nir_shaped(number: str) -> bool:
    """Starts with 1-8; digits everywhere except 2A/2B as 6th and 7th characters."""
    return _NIR_SHAPE_RE.fullmatch(number) is not None


def _has_valid_key(number: str) -> bool:
    return len(number) == 15 and calc_key(number) == number[13:]


def _keyed_windows(run: _Run) -> list[tuple[int, int]]:
    """Non-overlapping 15-character stretches, cut where the groups are, with a valid key."""
    windows: list[tuple[int, int]] = []
    cut_set = set(run.cuts)
    free_from = 0
    for first in run.cuts:
        stop = first + 15
        if first < free_from or stop not in cut_set:
            continue
        candidate = run.compact[first:stop]
        if _is_nir_shaped(candidate) and _has_valid_key(candidate):
            windows.append((first, stop))
            free_from = stop
    return windows


def find_nirs(text: str) -> list[NIRMatch]:
    """Every NIR-shaped stretch of the text, however it is typed.

    NIR-shaped: 13 or 15 characters once compacted, starting with 1-8, digits
    except 2A/2B as 6th-7th characters, written with or without spaces, dots,
    hyphens or non-breaking spaces between the groups. Phone numbers, postal
    codes, numbers glued to letters or after "+", and decimal numbers are
    ignored. Inside a longer run of digits (a NIR followed by a phone number),
    only a 15-character stretch with a valid key is taken. The shape is checked,
    not the validity: pass each value to :func:`validate`.
    """
    matches: list[NIRMatch] = []
    for run in _runs(text):
        if run.looks_decimal:
            continue
        length = len(run.compact)
        if length in (13, 15):
            windows = [(0, length)] if _is_nir_shaped(run.compact) else []
        elif length > 15:
            windows = _keyed_windows(run)
        else:
            windows = []
        for first, stop in windows:
            if run.is_glued(first, stop):
                continue
            start, end = run.span(first, stop)
            matches.append(NIRMatch(start=start, end=end, compact=run.compact[first:stop]))
    return matches


def _hide(text: str) -> str:
    return "".join(char if char in _SEPARATOR_SET else _HIDDEN for char in text)


def _redactions(run: _Run) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for each stretch of the run to hide."""
    number = run.compact
    length = len(number)
    if length <= 15:
        if _is_nir_shaped(number):
            return [(run.start, run.end, mask(number))]
        return []
    keyed = _keyed_windows(run)
    edits = [(*run.span(first, stop), mask(number[first:stop])) for first, stop in keyed]
    # Other stretches that could be a NIR (wrong key, no key): hide them all,
    # merging overlaps, so that no part of a number is left readable.
    spans: list[tuple[int, int]] = []
    cut_set = set(run.cuts)
    for first in run.cuts:
        for size in (13, 14, 15):
            stop = first + size
            if stop not in cut_set or not _is_nir_shaped(number[first:stop]):
                continue
            if any(first < k_stop and k_first < stop for k_first, k_stop in keyed):
                continue
            if spans and first <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], stop))
            else:
                spans.append((first, stop))
    # One long block of digits without separators: hide it if a NIR could hide inside.
    if (
        not keyed
        and not spans
        and len(run.cuts) == 2
        and _NIR_BODY_SEARCH_RE.search(number) is not None
    ):
        spans.append((0, length))
    for first, stop in spans:
        start, end = run.span(first, stop)
        edits.append((start, end, _hide(run.text[start:end])))
    return sorted(edits)


def redact(text: str) -> str:
    """The text with every NIR-shaped stretch replaced by its mask.

    Meant for free text (log lines, user messages): it also hides malformed
    numbers (13 to 15 characters starting with 1-8, wrong key, no key, glued to
    other characters) and, in long runs of digits, every stretch that could be a
    NIR. Decimal numbers ("1732719600.123"), UUIDs and 32-hex ids are left alone.
    """
    if len(text) < _MIN_LENGTH:
        return text
    edits: list[tuple[int, int, str]] = []
    protected: list[tuple[int, int]] | None = None
    for run in _runs(text):
        if run.looks_decimal:
            continue
        run_edits = _redactions(run)
        if not run_edits:
            continue
        if protected is None:
            protected = [found.span() for found in _ID_RE.finditer(text)]
        if any(start < run.end and run.start < end for start, end in protected):
            continue
        edits.extend(run_edits)
    if not edits:
        return text
    pieces: list[str] = []
    position = 0
    for start, end, replacement in edits:
        pieces.append(text[position:start])
        pieces.append(replacement)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


# -- decoding ------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Place:
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


_IN_PROGRESS = "numéro en cours d'immatriculation (personne née à l'étranger)"
_PROVISIONAL = "numéro provisoire, attribué en attendant le numéro définitif"
# 3, 4, 7 and 8 are not errors; the sex is not inferred from them.
_KINDS: dict[str, tuple[str | None, str, str]] = {
    "1": ("homme", "definitive", "numéro définitif"),
    "2": ("femme", "definitive", "numéro définitif"),
    "3": (None, "in_progress", _IN_PROGRESS),
    "4": (None, "in_progress", _IN_PROGRESS),
    "7": (None, "provisional", _PROVISIONAL),
    "8": (None, "provisional", _PROVISIONAL),
}


def _possible_years(two_digits: str, today: date) -> tuple[int, ...]:
    year = int(two_digits)
    return tuple(full for full in (1900 + year, 2000 + year) if full <= today.year)


def _month(code: str) -> tuple[int | None, str, str | None]:
    value = int(code)
    if 1 <= value <= 12:
        return value, MONTH_NAMES[value - 1], None
    if 31 <= value <= 42:
        name = MONTH_NAMES[value - 31]
        return (
            value - 30,
            name,
            f"Le code mois {code} correspond à {name} : ce codage est utilisé quand le "
            "document d'état civil était incomplet.",
        )
    return (
        None,
        "mois inconnu",
        f"Le code mois {code} signifie que le mois de naissance n'est pas connu "
        "(document d'état civil sans mois de naissance).",
    )


def _commune_label(commune: Commune, department_name: str | None) -> str:
    name = commune.display_name
    if department_name and not name.startswith(department_name):
        return f"à {name} ({department_name})"
    return f"à {name}"


def _former_note(commune: Commune, geo: Geography) -> tuple[str, ...]:
    parent = geo.commune(commune.parent_code) if commune.parent_code else None
    if parent is None or parent.code == commune.code:
        return ()
    return (f"{commune.name} est une ancienne commune, aujourd'hui rattachée à {parent.name}.",)


def _not_found_note() -> str:
    return (
        "Commune non retrouvée : ce code commune ne figure pas dans le Code officiel "
        "géographique 2025. C'est fréquent pour une commune qui a fusionné ou changé de "
        "code depuis la naissance ; ce n'est pas une erreur."
    )


def _lookup_commune(code: str, geo: Geography) -> Commune | None:
    return geo.commune(code) or geo.former_commune(code)


def _department_place(
    place_type: str,
    code: str,
    department: Department | None,
    geo: Geography,
) -> _Place:
    department_name = department.name if department else None
    commune = _lookup_commune(code, geo)
    if commune is not None:
        return _Place(
            place_type=place_type,
            label=_commune_label(commune, department_name),
            born_abroad=False,
            department_code=department.code if department else None,
            department_name=department_name,
            commune_code=commune.code,
            commune_name=commune.display_name,
            commune_found=True,
            notes=_former_note(commune, geo) if commune.is_former else (),
        )
    label = f"dans le département {department.with_preposition}" if department else "en France"
    return _Place(
        place_type=place_type,
        label=f"{label} (commune non retrouvée)",
        born_abroad=False,
        department_code=department.code if department else None,
        department_name=department_name,
        commune_code=code,
        commune_found=False,
        notes=(_not_found_note(),),
    )


def _corsica_before_1976(number: str, geo: Geography) -> _Place:
    commune_number = number[7:10]
    commune = None
    for department_code in ("2A", "2B"):
        commune = _lookup_commune(department_code + commune_number, geo)
        if commune is not None:
            break
    note = (
        "Le code 20 désigne la Corse : il était utilisé pour les naissances avant 1976, "
        "année où la Corse a été divisée en deux départements (2A et 2B)."
    )
    if commune is None:
        return _Place(
            place_type="corsica_before_1976",
            label="en Corse (commune non retrouvée)",
            born_abroad=False,
            department_code="20",
            department_name="Corse",
            commune_code=number[5:10],
            commune_found=False,
            notes=(note, _not_found_note()),
        )
    notes = (note, *(_former_note(commune, geo) if commune.is_former else ()))
    return _Place(
        place_type="corsica_before_1976",
        label=f"à {commune.display_name} (Corse)",
        born_abroad=False,
        department_code="20",
        department_name="Corse",
        commune_code=commune.code,
        commune_name=commune.display_name,
        commune_found=True,
        notes=notes,
    )


def _overseas(number: str, geo: Geography) -> _Place:
    code = number[5:8]
    department = geo.department(code)
    if department is not None:
        return _department_place("overseas", number[5:10], department, geo)
    collectivity = geo.collectivity(code)
    name = collectivity.name if collectivity else None
    return _Place(
        place_type="overseas",
        label=f"outre-mer ({name})" if name else "outre-mer",
        born_abroad=False,
        department_code=code,
        department_name=name,
    )


def _abroad(number: str, geo: Geography) -> _Place:
    code = number[5:10]
    country = geo.country(code)
    if country is None:
        return _Place(
            place_type="abroad",
            label="à l'étranger (pays non retrouvé)",
            born_abroad=True,
            country_code=code,
            notes=(
                "Pays non retrouvé : ce code pays ne figure pas dans le Code officiel "
                "géographique 2025, ce qui n'en fait pas forcément une erreur.",
            ),
        )
    notes: tuple[str, ...] = ()
    if country.is_historical:
        until = f", code utilisé jusqu'en {country.valid_until[:4]}" if country.valid_until else ""
        notes = (f"Pays de naissance : {country.name} (État qui n'existe plus{until}).",)
    return _Place(
        place_type="abroad",
        label=f"à l'étranger ({country.name})",
        born_abroad=True,
        country_code=country.code,
        country_name=country.name,
        country_valid_until=country.valid_until or None,
        notes=notes,
    )


def _before_independence(number: str, geo: Geography) -> _Place:
    """91-96: an Île-de-France department (91-95, since 1968) or, before independence,
    Algeria (91-94), Morocco (95) or Tunisia (96). Never concluded as "born abroad"."""
    code = number[5:7]
    country_code, country_name, country_with_article = _BEFORE_INDEPENDENCE[code]
    department = geo.department(code) if code != "96" else None
    if department is None:
        note = (
            f"Le code lieu {code} désigne {country_with_article}, pour une naissance "
            "avant l'indépendance."
        )
        return _Place(
            place_type="ambiguous",
            label=f"en {country_name} (avant l'indépendance)",
            born_abroad=None,
            country_code=country_code,
            country_name=country_name,
            ambiguity=note,
            notes=(note,),
        )
    commune = geo.commune(number[5:10])
    where = department.with_article
    if commune is not None:
        where = f"{commune.display_name}, dans {department.with_article}"
    note = (
        f"Le code lieu {code} désigne soit {where} (département d'Île-de-France créé en "
        f"{ILE_DE_FRANCE_YEAR}), soit {country_with_article} pour une naissance avant "
        "l'indépendance."
    )
    return _Place(
        place_type="ambiguous",
        label=f"{department.name} ou {country_name}",
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


def _place(number: str, geo: Geography) -> _Place:
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


def _corsica_years(
    department_code: str | None, years: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Narrows the century with the Corsican codes (20 before 1976, 2A/2B since)."""
    if department_code == "20":
        narrowed = tuple(year for year in years if year < CORSICA_SPLIT_YEAR)
        note = (
            "Le code 20 est normalement réservé aux naissances en Corse avant 1976 : "
            "l'année indiquée ne correspond pas à ce code."
        )
    elif department_code in ("2A", "2B"):
        narrowed = tuple(year for year in years if year >= CORSICA_SPLIT_YEAR)
        note = (
            "Les codes 2A et 2B sont utilisés pour les naissances en Corse depuis 1976 : "
            "l'année indiquée ne correspond pas à ce code."
        )
    else:
        return years, ()
    if narrowed:
        return narrowed, ()
    return years, (note,)


def _country_years(country_valid_until: str | None, years: tuple[int, ...]) -> tuple[int, ...]:
    """A country that stopped existing excludes the births after its end."""
    if not country_valid_until:
        return years
    last_year = int(country_valid_until[:4])
    narrowed = tuple(year for year in years if year <= last_year)
    return narrowed or years


def decode(number: str, geo: Geography | None = None, *, today: date | None = None) -> NIRInfo:
    """What the number says: sex or kind of number, year and month of birth, place.

    Raises :class:`InvalidNIR` (a subclass) if the number is not valid. A
    13-character number is decoded without its key being checked (``has_key``
    is False and a note says so). ``today`` (default: today) bounds the
    possible years: "85" can only be 1985, "05" is 1905 or 2005.
    """
    number = validate(number)
    geo = geo if geo is not None else get_geography()
    today = today if today is not None else date.today()
    sex, kind, kind_label = _KINDS[number[0]]
    month, month_label, month_note = _month(number[3:5])
    place = _place(number, geo)
    years, year_notes = _corsica_years(
        number[5:7] if number[5:7] in ("20", "2A", "2B") else None,
        _possible_years(number[1:3], today),
    )
    years = _country_years(place.country_valid_until, years)
    notes: list[str] = []
    if kind != "definitive":
        notes.append(f"Le premier chiffre ({number[0]}) indique un {kind_label}.")
    if month_note:
        notes.append(month_note)
    notes.extend(place.notes)
    notes.extend(year_notes)
    has_key = len(number) == 15
    if not has_key:
        notes.append(
            "Le numéro a été donné sans sa clé (les 2 derniers chiffres) : sa forme est "
            "correcte, mais la clé n'a pas pu être vérifiée."
        )
    return NIRInfo(
        masked=mask(number),
        has_key=has_key,
        sex_digit=number[0],
        sex=sex,
        kind=kind,
        kind_label=kind_label,
        year=number[1:3],
        possible_years=years,
        month_code=number[3:5],
        month=month,
        month_label=month_label,
        place_type=place.place_type,
        department_code=place.department_code,
        department_name=place.department_name,
        commune_code=place.commune_code,
        commune_name=place.commune_name,
        commune_found=place.commune_found,
        country_code=place.country_code,
        country_name=place.country_name,
        born_abroad=place.born_abroad,
        place_label=place.label,
        ambiguity=place.ambiguity,
        notes=tuple(notes),
    )


def _when(info: NIRInfo) -> str:
    years = " ou ".join(str(year) for year in info.possible_years)
    if info.month is None:
        return f"en {years} (mois non précisé)"
    return f"en {info.month_label} {years}"


def describe(info: NIRInfo) -> str:
    """One or two short French sentences about the number.

    "Numéro d'une personne née en mars 1985 à Bordeaux (Gironde)." The second
    sentence, if any, is the most useful remark: the double meaning of 91-96,
    a provisional number, or a missing key. All remarks are in ``info.notes``.
    """
    if info.ambiguity:
        return f"Numéro d'une personne née {_when(info)}. {info.ambiguity}"
    sentences = [f"Numéro d'une personne née {_when(info)} {info.place_label}."]
    if info.kind != "definitive":
        sentences.append(f"Il s'agit d'un {info.kind_label}.")
    elif not info.has_key:
        sentences.append("La clé n'a pas été donnée, elle n'a donc pas pu être vérifiée.")
    return " ".join(sentences)
