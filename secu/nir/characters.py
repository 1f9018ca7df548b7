"""How the characters of a typed number are read: the separators people, phones and
copy-paste put between the groups of digits, digits of any script, look-alike letters.

Shared by :mod:`secu.nir.number` (``compact``) and :mod:`secu.nir.scan` (finding numbers
in free text), which both read the text through :func:`normalise`.

>>> normalise("1\u00a085\u2013０３")
'1 85-03'
>>> len(normalise("٢ ٩٣")) == len("٢ ٩٣")
True
"""

from __future__ import annotations

import unicodedata

# Characters between the groups of digits, as the finder reads them once the text is
# normalised: spaces and tabs, dots, hyphens, slashes, underscores and commas. Any Unicode
# space (category Zs), dash (Pd), invisible formatting character (Cf: zero-width spaces,
# direction marks, soft hyphen) or combining mark reads as one of them, and so do the
# characters of _SEPARATOR_LIKE and the fullwidth forms that NFKC maps to them.
SEPARATORS = " \t.-/_,"
SEPARATOR_SET = frozenset(SEPARATORS)
STRIP_SEPARATORS = str.maketrans("", "", SEPARATORS)
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
