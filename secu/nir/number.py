"""The number itself, in the spirit of python-stdnum's ``stdnum.fr.nir``: ``compact``,
``validate`` raising precise exceptions, ``is_valid``, ``format``, plus ``mask`` (a form
safe to show back) and ``calc_key``.

The number has 13 characters and a 2-digit key, usually written
``S AA MM DD CCC OOO KK``: sex (1), year (2), month (2), place of birth (5: a
department and a commune, ``99`` and a country, or an overseas code), order
number (3), key (2). The key is ``97 - (the 13 characters as a number mod 97)``,
with ``2A`` read as ``19`` and ``2B`` as ``18`` (computed by ``stdnum.fr.nir``). A
correct key only proves that the number is well formed, not that it exists or belongs
to the person typing it.

>>> validate("2 93 03 2a 004 123 67")
'293032A00412367'
>>> format("193037511512328")
'1 93 03 75 115 123 28'
>>> mask("193037511512328")
'1 93 03 •• ••• ••• ••'
>>> try:
...     validate("1 85 03 33 063 84")
... except InvalidLength as error:
...     print(error.code, error.values)
length {'count': 12}

Privacy: a NIR may only be checked in memory. Never log or store it in full: log
``mask(number)``, and pass free text through :func:`secu.nir.scan.redact` before it
is stored.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from stdnum.fr import nir as stdnum_nir

from secu.content import render
from secu.nir.characters import STRIP_SEPARATORS, normalise

SEX_DIGITS = frozenset("123478")
HIDDEN = "•"  # what stands for a hidden character in a masked number
_GROUP_SIZES = (1, 2, 2, 2, 3, 3, 2)
_VISIBLE = 5  # sex, year and month stay visible in a masked number
# The third character of the place after 97 and 98: 971-978, 984, 986-988.
OVERSEAS_THIRD_DIGITS = {"97": frozenset("12345678"), "98": frozenset("4678")}
_NIR_CHARACTERS_RE = re.compile(r"[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]*")


# -- errors -------------------------------------------------------------------


class _DefaultMessage:
    """``SomeError.default_message``: the class's own answer, read from the content."""

    def __get__(self, instance: object, owner: type[InvalidNIR]) -> str:
        return render(owner.answer_key())


class InvalidNIR(ValueError):
    """The text is not a valid NIR.

    ``code`` says which rule failed (stable: slots and logs use it), ``variant`` the
    case of that rule ("overseas", "country"...), ``values`` what was found (never the
    whole number). ``message`` tells the user, in French: the answer
    ``nir_error_<code>[_<variant>]`` of data/knowledge/answers/nir.yml.
    """

    code: ClassVar[str] = "invalid"
    default_message: ClassVar[str] = _DefaultMessage()  # type: ignore[assignment]

    def __init__(self, variant: str = "", **values: Any) -> None:
        self.variant = variant
        self.values = values
        super().__init__(variant)

    @classmethod
    def answer_key(cls, variant: str = "") -> str:
        return f"nir_error_{cls.code}" + (f"_{variant}" if variant else "")

    @property
    def message(self) -> str:
        return render(self.answer_key(self.variant), **self.values)

    def __str__(self) -> str:
        return self.message


class InvalidLength(InvalidNIR):
    """Not 13 or 15 characters (variants: "empty", "count" with the ``count``)."""

    code = "length"


class InvalidCharacters(InvalidNIR):
    """Something else than digits, or than 2A/2B as 6th and 7th characters."""

    code = "characters"


class InvalidSex(InvalidNIR):
    """The first digit is not 1, 2, 3, 4, 7 or 8."""

    code = "sex"


class InvalidMonth(InvalidNIR):
    """No month, known or coded as unknown, has this code."""

    code = "month"


class InvalidPlace(InvalidNIR):
    """No department, overseas place (variant "overseas") or 99 has this code."""

    code = "place"


class InvalidCommune(InvalidNIR):
    """The commune code (variant "overseas"), or after 99 the country code (variant
    "country"), cannot exist."""

    code = "commune"


class InvalidOrder(InvalidNIR):
    """The order number is 000."""

    code = "order"


class InvalidKey(InvalidNIR):
    """The key does not match the 13 characters (the right key is never told)."""

    code = "key"


# -- compact, validate, format, mask -------------------------------------------


def compact(text: str) -> str:
    """The number without separators, upper-cased, in ASCII ("2a" → "2A").

    Strips every kind of space, dash, dot, slash, underscore and comma; digits of any
    script and fullwidth letters become ASCII ("１ ８５" → "185"). The length is not
    checked here (13 characters without the key, 15 with it).

    >>> compact("2-93-03-2a 004\u00a0518")
    '293032A004518'
    """
    return "".join(normalise(text).translate(STRIP_SEPARATORS).split()).upper()


def _has_nir_characters(number: str) -> bool:
    """Digits everywhere, except 2A/2B allowed as 6th and 7th characters."""
    return _NIR_CHARACTERS_RE.fullmatch(number) is not None


def _month_is_possible(month: int) -> bool:
    return 1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99


def _check_place(number: str) -> None:
    department = number[5:7]
    if department == "00":
        raise InvalidPlace(place=department)
    if department in OVERSEAS_THIRD_DIGITS:
        if number[7] not in OVERSEAS_THIRD_DIGITS[department]:
            raise InvalidPlace("overseas", place=number[5:8])
        if number[8:10] == "00":
            raise InvalidCommune("overseas", commune=number[8:10])
    elif department == "99":
        if number[7] not in "12345":
            raise InvalidCommune("country", continent=number[7])
    elif number[7:10] == "000":
        raise InvalidCommune(commune=number[7:10])


def calc_key(number: str) -> str:
    """The 2-digit key of the first 13 characters (2A/2B handled).

    >>> calc_key("1850333063847")
    '62'
    """
    return stdnum_nir.calc_check_digits(number[:13])


def _check_length(number: str) -> None:
    if len(number) not in (13, 15):
        if not number:
            raise InvalidLength("empty", count=0)
        raise InvalidLength("count", count=len(number))


def validate(text: str) -> str:
    """The compact number if it is well formed, else a subclass of :class:`InvalidNIR`.

    A 13-character number (without its key) passes every check but the key,
    which cannot be verified. The rules are checked in order: length, characters,
    sex, month, place, order, key.
    """
    number = compact(text)
    _check_length(number)
    if not _has_nir_characters(number):
        raise InvalidCharacters()
    if number[0] not in SEX_DIGITS:
        raise InvalidSex(sex=number[0])
    if not _month_is_possible(int(number[3:5])):
        raise InvalidMonth(month=number[3:5])
    _check_place(number)
    if number[10:13] == "000":
        raise InvalidOrder()
    if len(number) == 15 and calc_key(number) != number[13:]:
        raise InvalidKey()
    return number


def is_valid(text: str) -> bool:
    """Whether :func:`validate` accepts the text.

    >>> is_valid("1 85 03 33 063 847 62"), is_valid("1 85 03 33 063 847 61")
    (True, False)
    """
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

    >>> mask("2 93 03 2a 004 518")
    '2 93 03 •• ••• •••'
    """
    number = compact(number)
    hidden = number[:_VISIBLE] + HIDDEN * max(0, len(number) - _VISIBLE)
    return " ".join(_groups(hidden))
