"""Finding NIRs in free text, however typed, and hiding them: ``find_nirs``, ``redact``
(free text: log lines, user messages), ``redact_number`` (a NIR sent as a JSON number).

Typed in any shape: any Unicode space or dash, dots, slashes, commas, digits of any
script, the key after a dot. Everything is found on the normalised text (same positions
as the original, see :func:`normalise`), and the spans of the ORIGINAL text are replaced:
"1\\u00a085\\u00a003…" is masked as typed.

>>> [match.compact for match in find_nirs("mon numéro : 1 85 03 33 063 847 62 merci")]
['185033306384762']
>>> redact("mon numéro : 1 85 03 33 063 847 62, tél. 06 12 34 56 78")
'mon numéro : 1 85 03 •• ••• ••• ••, tél. 06 12 34 56 78'
>>> redact_number(185033306384762)
'1 85 03 •• ••• ••• ••'
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from secu.nir.characters import SEPARATOR_SET, SEPARATORS, normalise
from secu.nir.number import HIDDEN, calc_key, mask

__all__ = ["SEPARATORS", "NIRMatch", "find_nirs", "normalise", "redact", "redact_number"]

_NIR_SHAPE_RE = re.compile(r"[1-8][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]*")
_NIR_BODY_SEARCH_RE = re.compile(r"[1-8][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{6}")
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
            text[index] if normal[index] in SEPARATOR_SET else HIDDEN for index in range(start, end)
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
