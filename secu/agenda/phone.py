"""French phone numbers for a call-back, validated and normalised with ``phonenumbers``."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

# Metropolitan France and the overseas departments, which have their own numbering.
FRENCH_REGIONS = ("FR", "GP", "MQ", "GF", "RE", "YT")
CALLABLE_TYPES = {
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.VOIP,
}


@dataclass(frozen=True)
class Phone:
    e164: str  # "+33612345678": what is stored
    display: str  # "06 12 34 56 78": what is shown

    @property
    def masked(self) -> str:
        """ "06 •• •• •• 78": enough to recognise it in a summary shown later."""
        digits = [ch for ch in self.display if ch.isdigit()]
        return f"{''.join(digits[:2])} •• •• •• {''.join(digits[-2:])}"


def parse_phone(text: str) -> Phone | None:
    """The French phone number in ``text``, or None when there is none that can be called.

    National ("06 12 34 56 78", "0692 12 34 56") and international ("+33 6 12 34 56 78")
    forms are accepted; premium-rate, short and foreign numbers are not.
    """
    for region in FRENCH_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region):
            number = match.number
            if _callable_french(number):
                return _phone(number)
    return None


def _callable_french(number: phonenumbers.PhoneNumber) -> bool:
    return (
        phonenumbers.is_valid_number(number)
        and phonenumbers.region_code_for_number(number) in FRENCH_REGIONS
        and phonenumbers.number_type(number) in CALLABLE_TYPES
    )


def _phone(number: phonenumbers.PhoneNumber) -> Phone:
    display = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return Phone(phonenumbers.format_number(number, PhoneNumberFormat.E164), display)


def phone_from_e164(value: str) -> Phone | None:
    try:
        number = phonenumbers.parse(value, None)
    except NumberParseException:
        return None
    return _phone(number) if _callable_french(number) else None


def looks_like_a_phone_attempt(text: str) -> bool:
    """Enough digits to be a try at a phone number (to answer "ce numéro n'est pas valide")."""
    return sum(ch.isdigit() for ch in text) >= 8
