"""What the review index keeps of a text: NIRs and phone numbers hidden.

The tracker store already masks NIRs (``addons/tracker_store.py``); it keeps phone numbers,
which people type to book a call-back (docs/privacy.md). The review site shows texts to
other people, so both are hidden before anything is written to its index, the NIRs once
more in case a store was written without the masking wrapper.

Phone numbers are found by ``phonenumbers`` (any spacing, ``+33``, fullwidth digits) and a
French one is shown as the booking dialogue shows it (``06 •• •• •• 78``, ``secu.agenda.
phone``); any other run of nine digits or more, whatever separates them, is hidden the same
way: like the NIR masking, this errs on the side of hiding too much.

>>> mask("rappelez-moi au 06.12.34.56.78 svp")
'rappelez-moi au 06 •• •• •• 78 svp'
>>> mask("mon numéro 1 85 03 33 063 847 62, tél. +33 6 12 34 56 78")
'mon numéro 1 85 03 •• ••• ••• ••, tél. 06 •• •• •• 78'
>>> mask("dossier 12 345 678 901, code postal 75011")
'dossier 12 ••• ••• •01, code postal 75011'
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from secu.agenda.phone import looks_like_a_phone_attempt, phone_from_e164
from secu.nir import redact
from secu.nir.number import HIDDEN

REGION = "FR"  # numbers without a country code are read as French
# Nine digits or more with at most three separators between two of them: what is left of
# a phone number phonenumbers did not take (a foreign one, odd spacing, an account number).
_DIGIT_RUN = re.compile(r"\d(?:[^\w\n]{0,3}\d){8,}")
_KEPT = 2  # digits left readable at each end, as in "06 •• •• •• 78"


def hide_digits(span: str) -> str:
    """Every digit of ``span`` but the first and last two as "•", the rest kept."""
    positions = [index for index, char in enumerate(span) if char.isdigit()]
    hidden = set(positions[_KEPT:-_KEPT])
    return "".join(HIDDEN if index in hidden else char for index, char in enumerate(span))


def _masked_phone(raw: str, number: phonenumbers.PhoneNumber) -> str:
    phone = phone_from_e164(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    return phone.masked if phone is not None else hide_digits(raw)


def mask_phones(text: str) -> str:
    """The text with every phone number (and every long run of digits) hidden."""
    if not looks_like_a_phone_attempt(text):
        return text  # fewer than 8 digits: the common case, and the fast one
    pieces: list[str] = []
    position = 0
    for match in PhoneNumberMatcher(text, REGION, leniency=Leniency.POSSIBLE):
        pieces += [text[position : match.start], _masked_phone(match.raw_string, match.number)]
        position = match.end
    pieces.append(text[position:])
    return _DIGIT_RUN.sub(lambda found: hide_digits(found.group()), "".join(pieces))


def mask(text: str) -> str:
    """The text as the review site may keep and show it: NIRs and phone numbers hidden."""
    return mask_phones(redact(text))


def mask_data(value: Any) -> Any:
    """Every string inside dicts and lists masked (entity values, button titles)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: mask_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_data(item) for item in value]
    return value


def still_identifying(text: str) -> str | None:
    """What makes a text unfit for training data: "nir" (a NIR-shaped number), "phone" (a
    phone number, or a long run of digits), "masked" (what a mask left: "•"), else None."""
    if redact(text) != text:
        return "nir"
    if mask_phones(text) != text:
        return "phone"
    if HIDDEN in text:
        return "masked"
    return None
