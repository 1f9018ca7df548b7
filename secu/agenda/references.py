"""Booking references such as ``RDV-7K3F9Q``: short, read aloud without confusion."""

from __future__ import annotations

import re
import secrets

# No 0/O and no 1/I (nor L), which people mix up when they read or type them.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6
PREFIX = "RDV-"

# A code has at least one digit, so that "rdv demain" or "rdv agence" is no reference.
_TYPED = re.compile(r"\bRDV[\s_-]*((?=[A-Z]*[0-9])[A-Z0-9]{6})\b", re.IGNORECASE)


def new_reference() -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if any(ch.isdigit() for ch in code):
            return PREFIX + code


def is_reference(value: str) -> bool:
    code = value[len(PREFIX) :] if value.startswith(PREFIX) else ""
    return (
        len(code) == LENGTH
        and all(ch in ALPHABET for ch in code)
        and any(ch.isdigit() for ch in code)
    )


def find_reference(text: str) -> str | None:
    """The reference typed in a message ("rdv 7k3f9q", "RDV-7K3F9Q"), normalised.

    A reference with a character that cannot be in one (0, O, 1, I, L) is returned
    as typed, upper-cased, so that the answer can say it does not exist.
    """
    match = _TYPED.search(text)
    return PREFIX + match.group(1).upper() if match else None
