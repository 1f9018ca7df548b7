from __future__ import annotations

import pytest

from secu.status import canonical_status
from secu.text import fold


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("salarie", "salarie"),
        ("Salariée", "salarie"),
        ("auto-entrepreneur", "independant"),
        ("micro entrepreneur", "independant"),
        ("Indépendante", "independant"),
        ("au chômage", "sans_emploi"),
        ("sans emploi", "sans_emploi"),
        ("exploitant agricole", "agriculteur"),
        ("ÉTUDIANTE", "etudiant"),
        ("retraitée", "retraite"),
        ("en CDI", "salarie"),
        ("astronaute", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_canonical_status(value: object, expected: str | None) -> None:
    assert canonical_status(value) == expected


def test_fold_ignores_case_accents_and_hyphens() -> None:
    assert fold("Saint-Étienne") == fold("saint etienne") == "saint etienne"
    assert fold("  L’Haÿ-les-Roses ") == "l hay les roses"
    assert fold("Cœur") == "coeur"
