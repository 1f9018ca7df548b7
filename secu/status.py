"""The user's occupational status, as canonical values (see docs/nlu-intents.md)."""

from __future__ import annotations

from secu.text import fold

STATUSES = (
    "salarie",
    "independant",
    "agriculteur",
    "etudiant",
    "militaire",
    "marin",
    "fonctionnaire",
    "sans_emploi",
    "retraite",
)

# Folded word stems that identify a status when the NLU synonyms missed a variant.
_STEMS: tuple[tuple[str, str], ...] = (
    ("sans emploi", "sans_emploi"),
    ("chom", "sans_emploi"),
    ("auto entrepren", "independant"),
    ("micro entrepren", "independant"),
    ("independ", "independant"),
    ("freelance", "independant"),
    ("artisan", "independant"),
    ("commercant", "independant"),
    ("liberal", "independant"),
    ("agricol", "agriculteur"),
    ("agricult", "agriculteur"),
    ("exploitant", "agriculteur"),
    ("etudiant", "etudiant"),
    ("militaire", "militaire"),
    ("gendarme", "militaire"),
    ("soldat", "militaire"),
    ("armee", "militaire"),
    ("marin", "marin"),
    ("fonctionnaire", "fonctionnaire"),
    ("agent public", "fonctionnaire"),
    ("retraite", "retraite"),
    ("salari", "salarie"),
    ("employe", "salarie"),
    ("cdi", "salarie"),
    ("cdd", "salarie"),
)


def canonical_status(value: object) -> str | None:
    """Maps an entity or slot value to a canonical status, or None when unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    if value in STATUSES:
        return value
    folded = fold(value)
    if folded.replace(" ", "_") in STATUSES:
        return folded.replace(" ", "_")
    for stem, status in _STEMS:
        if stem in folded:
            return status
    return None
