"""Small text helpers shared by the pure modules (no Rasa import)."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def fold(text: str) -> str:
    """Lower-case, accents removed, every run of non-alphanumerics as one space.

    'Saint-Étienne' and 'saint etienne' fold to the same key.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("œ", "oe").replace("æ", "ae")
    return _NON_ALNUM.sub(" ", bare).strip()
