"""NIR (numéro d'inscription au répertoire, the French social security number).

Pure module (no Rasa import), shaped like python-stdnum's modules: ``compact``,
``validate`` raising precise exceptions, ``is_valid`` and ``format``, plus what
the assistant needs on top: ``mask`` (a form safe to show back), ``find_nirs`` and
``redact`` (spot NIRs in free text, however typed: any Unicode space or dash, dots,
slashes, commas, digits of any script, the key after a dot), ``redact_number`` (a NIR
sent as a JSON number), ``decode`` and ``describe`` (what the number says about the
birth).

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
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from stdnum.fr import nir as stdnum_nir

from secu.geo.geography import Commune, Department, Geography, get_geography
from secu.text import FRENCH_MONTHS

# Characters people, phones and copy-paste put between the groups of digits, as the finder
# reads them once the text is normalised (see normalise): spaces and tabs, dots, hyphens,
# slashes, underscores and commas. Any Unicode space (category Zs), dash (Pd), invisible
# formatting character (Cf: zero-width spaces, direction marks, soft hyphen) or combining
# mark reads as one of them, and so do the characters of _SEPARATOR_LIKE and the fullwidth
# forms that NFKC maps to them.
SEPARATORS = " \t.-/_,"
_SEPARATOR_SET = frozenset(SEPARATORS)
_STRIP_SEPARATORS = str.maketrans("", "", SEPARATORS)
_SEPARATOR_LIKE = {
    # minus signs and hyphens that Unicode does not class as dashes
    "\u2212": "-",
    "\u2043": "-",
    "\u02d7": "-",
    "\u2796": "-",
    # middle dots, the Arabic decimal and thousands separators, other commas and slashes
    "\u00b7": ".",
    "\u0387": ".",
    "\u2027": ".",
    "\u2219": ".",
    "\u22c5": ".",
    "\u30fb": ".",
    "\uff65": ".",
    "\u066b": ".",
    "\u066c": ",",
    "\u060c": ",",
    "\u3001": ",",
    "\u2044": "/",
    "\u2215": "/",
}
_SEPARATOR_CATEGORIES = {"Zs": " ", "Pd": "-", "Cf": " ", "Mn": " ", "Me": " "}
# Greek and Cyrillic letters that look like the A and B of Corsica (2A, 2B).
_LOOKALIKES = {
    "\u0391": "A",
    "\u0410": "A",
    "\u03b1": "a",
    "\u0430": "a",
    "\u0392": "B",
    "\u0412": "B",
}

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


def _normal_char(char: str) -> str:
    """The character as the finder reads it: see :func:`normalise`."""
    mapped = _SEPARATOR_LIKE.get(char) or _LOOKALIKES.get(char)
    if mapped is not None:
        return mapped
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    separator = _SEPARATOR_CATEGORIES.get(unicodedata.category(char))
    if separator is not None:
        return separator
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) == 1 and folded != char:
        return _normal_char(folded)
    return char


class _NormalTable(dict[int, int]):
    """``str.translate`` table of :func:`normalise`, filled as characters are met."""

    def __missing__(self, code: int) -> int:
        value = ord(_normal_char(chr(code)))
        self[code] = value
        return value


_NORMAL_TABLE = _NormalTable({code: code for code in range(128)})


def normalise(text: str) -> str:
    """The text as the finder reads it, character for character.

    Same length, so that a position in it is a position in ``text``: every decimal digit
    of any script ("١", "１") becomes its ASCII digit, every separator one of
    :data:`SEPARATORS` (a non-breaking space a space, an en dash a hyphen, "·" a dot), and
    any other character what NFKC makes of it when that is one character ("Ａ" → "A").
    """
    if text.isascii():
        return text
    return text.translate(_NORMAL_TABLE)


def compact(text: str) -> str:
    """The number without separators, upper-cased, in ASCII ("2a" → "2A").

    Strips every kind of space, dash, dot, slash, underscore and comma; digits of any
    script and fullwidth letters become ASCII ("１ ８５" → "185"). The length is not
    checked here (13 characters without the key, 15 with it).
    """
    return "".join(normalise(text).translate(_STRIP_SEPARATORS).split()).upper()


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
#
# Everything is found on the normalised text (same positions as the original), and the
# spans of the ORIGINAL text are replaced: "1\u00a085\u00a003…" is masked as typed.

_SEP = "[" + re.escape(SEPARATORS) + "]"
_MAX_SEPARATORS = 5  # "1 85 03 33 063 847 -- 45", several spaces...
_GAP = f"{_SEP}{{0,{_MAX_SEPARATORS}}}"
# A unit is a digit, or 2A / 2B (also "2 a", "2 - A") when more digits follow.
_UNIT = rf"(?:2{_GAP}[AaBb](?={_GAP}[0-9])|[0-9])"
# A run: digits (and 2A/2B) with at most _MAX_SEPARATORS separators between them. Every
# repetition consumes a unit and the gap before it is bounded: linear time.
_RUN_RE = re.compile(rf"[0-9](?:{_GAP}{_UNIT})*")
_GROUP_RE = re.compile(rf"[^{re.escape(SEPARATORS)}]+")
_SEPARATORS_RE = re.compile(f"{_SEP}+")
# Identifiers that must never be touched (UUIDs, 32-hex ids, longer hex ids with a letter):
# the digits around them are read as if the identifier were not there.
_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}|[0-9a-fA-F]{32}|(?=[0-9]*[a-fA-F])[0-9a-fA-F]{33,})(?![0-9A-Za-z])"
)
_BLANK = "\x00"  # an identifier in the normalised text: neither digit, letter nor separator
# French phone numbers and dates: a run made only of them is left alone ("06 12 34 56 78,
# 01 84 90 36 46", "27/11/2024 - 28/11/2024"). Only whole runs, so that no part of a NIR
# is ever read as a phone number or a date.
_PHONE_SEPARATOR = r"[ \t.\-]"
_PHONE = (
    rf"(?:0|(?<=\+)33{_PHONE_SEPARATOR}{{0,2}}|0033{_PHONE_SEPARATOR}{{0,2}})[1-9]"
    rf"(?P<p>{_PHONE_SEPARATOR}?)[0-9]{{2}}(?:(?P=p)[0-9]{{2}}){{3}}"
)
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH_NUMBER = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:19|20)[0-9]{2}"
_DATE = (
    rf"{_YEAR}(?P<d>[./\-]){_MONTH_NUMBER}(?P=d){_DAY}"
    rf"|{_DAY}(?P<e>[./\-]){_MONTH_NUMBER}(?P=e){_YEAR}"
)
_PHONE_OR_DATE_RE = re.compile(rf"(?:{_PHONE}|{_DATE})(?![0-9])")
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

    text: str  # the original text
    normal: str  # the normalised text, same positions
    compact: str  # ASCII digits and A/B
    positions: tuple[int, ...]  # index in text of each compact character
    cuts: tuple[int, ...]  # compact indexes where a group starts or ends (0 and len included)
    gaps: tuple[str, ...]  # the separators between each two groups

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
        """One dot (or comma) and nothing else between the digits: "1732719600.123"."""
        return len(self.gaps) == 1 and self.gaps[0] in (".", ",")

    @property
    def looks_like_a_list(self) -> bool:
        """A comma and a space between two groups: "75011, 33000, 97400"."""
        return any(", " in gap for gap in self.gaps)

    @property
    def is_keyed_decimal(self) -> bool:
        """13 characters of NIR shape, a dot and a 2-digit key: "1850333063847.45"."""
        return self.cuts == (0, 13, 15) and _is_nir_shaped(self.compact)

    def is_glued(self, first: int, stop: int) -> bool:
        """Whether the stretch touches a letter, a digit or "+" (a word, an id, a phone).

        "n°" and "nº" before the number are fine. Inside the run, the stretch is next to
        a separator ("_" included).
        """
        start, end = self.span(first, stop)
        before = " " if self.start < start or start == 0 else self.normal[start - 1]
        after = " " if end < self.end or end == len(self.normal) else self.normal[end]
        ordinal = before.isalnum() and self.text[start - 1] in "ºª"
        glued_before = (before.isalnum() and not ordinal) or before in "+_"
        return glued_before or after.isalnum() or after == "_"

    def hide(self, start: int, end: int) -> str:
        """``text[start:end]`` with its digits and letters as "•", its separators kept."""
        text, normal = self.text, self.normal
        return "".join(
            text[index] if normal[index] in _SEPARATOR_SET else _HIDDEN
            for index in range(start, end)
        )


def _runs(text: str, normal: str) -> Iterator[_Run]:
    for found in _RUN_RE.finditer(normal):
        run_start, run_end = found.span()
        if run_end - run_start < _MIN_LENGTH:
            continue
        pieces: list[str] = []
        positions: list[int] = []
        cuts = [0]
        for group in _GROUP_RE.finditer(normal, run_start, run_end):
            pieces.append(group.group())
            positions.extend(range(group.start(), group.end()))
            cuts.append(len(positions))
        if len(positions) < _MIN_LENGTH:
            continue
        yield _Run(
            text=text,
            normal=normal,
            compact="".join(pieces).upper(),
            positions=tuple(positions),
            cuts=tuple(cuts),
            gaps=tuple(gap for gap in _GROUP_RE.split(found.group()) if gap),
        )


def _overlaps(spans: list[tuple[int, int]], ends: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of the sorted, disjoint ``spans``."""
    index = bisect_right(ends, start)
    return index < len(spans) and spans[index][0] < end


def _only_phones_and_dates(normal: str, start: int, end: int) -> bool:
    position = start
    while True:
        found = _PHONE_OR_DATE_RE.match(normal, position, end)
        if found is None:
            return False
        if found.end() == end:
            return True
        gap = _SEPARATORS_RE.match(normal, found.end(), end)
        if gap is None:
            return False
        position = gap.end()


def _scan(text: str) -> list[_Run]:
    """The runs of the text long enough to hold a NIR, read on its normalised form."""
    normal = normalise(text)
    runs = list(_runs(text, normal))
    if not runs:
        return runs
    ids = [found.span() for found in _ID_RE.finditer(normal)]
    ends = [end for _, end in ids]
    if ids and any(_overlaps(ids, ends, run.start, run.end) for run in runs):
        pieces: list[str] = []
        position = 0
        for start, end in ids:
            pieces += [normal[position:start], _BLANK * (end - start)]
            position = end
        pieces.append(normal[position:])
        runs = list(_runs(text, "".join(pieces)))
    return [run for run in runs if not _only_phones_and_dates(run.normal, run.start, run.end)]


def _is_nir_shaped(number: str) -> bool:
    """Starts with 1-8; digits everywhere except 2A/2B as 6th and 7th characters."""
    return _NIR_SHAPE_RE.fullmatch(number) is not None


def _has_valid_key(number: str) -> bool:
    return len(number) == 15 and calc_key(number) == number[13:]


def _keyed_candidates(run: _Run) -> list[tuple[int, int]]:
    """15-character stretches, cut where the groups are, with a valid key (in order)."""
    cut_set = set(run.cuts)
    windows: list[tuple[int, int]] = []
    for first in run.cuts:
        stop = first + 15
        if stop in cut_set:
            candidate = run.compact[first:stop]
            if _is_nir_shaped(candidate) and _has_valid_key(candidate):
                windows.append((first, stop))
    return windows


def _keyed_windows(run: _Run) -> list[tuple[int, int]]:
    """Non-overlapping 15-character stretches, cut where the groups are, with a valid key."""
    windows: list[tuple[int, int]] = []
    for first, stop in _keyed_candidates(run):
        if not windows or windows[-1][1] <= first:
            windows.append((first, stop))
    return windows


def _nir_windows(run: _Run) -> list[tuple[int, int]]:
    """The stretches of the run (compact indexes) that find_nirs reports."""
    length = len(run.compact)
    if run.looks_decimal:
        return [(0, length)] if run.is_keyed_decimal else []
    if run.looks_like_a_list:  # numbers listed, unless one of them has a valid key
        return _keyed_windows(run) if length >= 15 else []
    if length in (13, 15):
        return [(0, length)] if _is_nir_shaped(run.compact) else []
    if length > 15:
        return _keyed_windows(run)
    return []


def find_nirs(text: str) -> list[NIRMatch]:
    """Every NIR-shaped stretch of the text, however it is typed.

    NIR-shaped: 13 or 15 characters once compacted, starting with 1-8, digits
    except 2A/2B as 6th-7th characters, written with or without separators between
    the groups: any space (non-breaking, narrow, ideographic...), tab, dash, dot,
    slash, underscore, comma or middle dot, up to 5 of them; digits of any script
    (fullwidth, Arabic-Indic...); the key after a dot ("1850333063847.45").
    ``start`` and ``end`` are positions in ``text``; ``compact`` is ASCII. Phone
    numbers, postal codes, dates, numbers glued to letters or after "+", and decimal
    numbers are ignored. Inside a longer run of digits (a NIR followed by a phone
    number), only a 15-character stretch with a valid key is taken. The shape is
    checked, not the validity: pass each value to :func:`validate`.
    """
    matches: list[NIRMatch] = []
    for run in _scan(text):
        for first, stop in _nir_windows(run):
            if run.is_glued(first, stop):
                continue
            start, end = run.span(first, stop)
            matches.append(NIRMatch(start=start, end=end, compact=run.compact[first:stop]))
    return matches


def _merge(spans: list[tuple[int, int]], *, touching: bool = True) -> list[tuple[int, int]]:
    """The spans sorted, overlapping ones (and touching ones, unless told) merged."""
    merged: list[tuple[int, int]] = []
    for first, stop in sorted(spans):
        if merged and (first < merged[-1][1] or (touching and first == merged[-1][1])):
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((first, stop))
    return merged


def _suspect_spans(run: _Run) -> list[tuple[int, int]]:
    """Stretches that could be a NIR (wrong key, no key): 13 to 15 characters cut where
    the groups are, and blocks of digits without separators longer than a NIR that could
    hide one."""
    number = run.compact
    cut_set = set(run.cuts)
    spans: list[tuple[int, int]] = []
    for first in run.cuts:
        for size in (15, 14, 13):
            stop = first + size
            if stop in cut_set and _is_nir_shaped(number[first:stop]):
                spans.append((first, stop))
                break
    for first, stop in zip(run.cuts, run.cuts[1:], strict=False):
        if stop - first > _MIN_LENGTH and _NIR_BODY_SEARCH_RE.search(number, first, stop):
            spans.append((first, stop))
    return spans


def _redactions(run: _Run) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for each stretch of the run to hide."""
    number = run.compact
    length = len(number)
    if run.looks_decimal:
        point = run.cuts[1]
        if run.is_keyed_decimal:
            return [(run.start, run.end, mask(number))]
        if _MIN_LENGTH <= point <= 15 and _is_nir_shaped(number[:point]):
            # a JSON float whose integer part is NIR-shaped: "193037511512328.0"
            return [(*run.span(0, point), mask(number[:point]))]
        return []  # a decimal number: "1732719600.123"
    if length <= 15 and _is_nir_shaped(number) and not run.looks_like_a_list:
        return [(run.start, run.end, mask(number))]
    # Keyed stretches get their mask. When two of them overlap (a false one made of the end
    # of a phone number and the start of the NIR), which one is the NIR is unclear: the
    # whole stretch is hidden.
    keyed = _merge(_keyed_candidates(run) if length >= 15 else [], touching=False)
    hidden = [span for span in keyed if span[1] - span[0] > 15]
    edits = [
        (*run.span(first, stop), mask(number[first:stop]))
        for first, stop in keyed
        if stop - first == 15
    ]
    # Other stretches that could be a NIR (wrong key, no key), away from the keyed ones,
    # are hidden too, so that no part of a number is left readable.
    ends = [stop for _, stop in keyed]
    hidden += [span for span in _suspect_spans(run) if not _overlaps(keyed, ends, *span)]
    for first, stop in _merge(hidden):
        start, end = run.span(first, stop)
        edits.append((start, end, run.hide(start, end)))
    return sorted(edits)


def redact(text: str) -> str:
    """The text with every NIR-shaped stretch replaced by its mask.

    Meant for free text (log lines, user messages): it finds what :func:`find_nirs`
    finds, however typed, and also hides malformed numbers (13 to 15 characters
    starting with 1-8, wrong key, no key, glued to other characters) and, in long runs
    of digits, every stretch that could be a NIR. Decimal numbers ("1732719600.123"),
    UUIDs and hex ids, French phone numbers and dates are left alone. Linear time.
    """
    if len(text) < _MIN_LENGTH:
        return text
    edits = [edit for run in _scan(text) for edit in _redactions(run)]
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


_PLAIN_NUMBER = 10**12  # below, a number has at most 12 digits: never a NIR
_EXACT_FLOAT = 1e16  # below, a float is written without an exponent


def redact_number(value: int | float) -> int | float | str:
    """A JSON number that ``redact`` would mask as text, as its masked string; any other
    number (a timestamp, a confidence, a small int) or a boolean, as it is.

    193037511512328 (an int in the entities after ``/inform{"department": 193037511512328}``)
    → "1 93 03 •• ••• ••• ••"; so are floats whose integer part is NIR-shaped.
    """
    if isinstance(value, bool) or abs(value) < _PLAIN_NUMBER:
        return value
    if isinstance(value, float):
        if not abs(value) < _EXACT_FLOAT:  # also infinities and NaN
            return value
        written = str(int(value)) if value.is_integer() else repr(value)
    else:
        written = str(value)
    redacted = redact(written)
    return value if redacted == written else redacted


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
