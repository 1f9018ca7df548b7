"""Tests of secu.nir.check: the verdict on each number typed in a message, and the answer
that gathers them. Only the masked form and derived facts ever come out.

Every number here is synthetic (tests/nirs.py).
"""

from __future__ import annotations

import pytest

from secu.content import answer, render
from secu.geo.geography import get_geography
from secu.nir import mask
from secu.nir.check import MAX_CHECKED, NIRCheck, check_number, check_text, reply
from tests.nirs import BORDEAUX, INVALID, with_key, wrong_key

VALID = "1 85 05 78 006 084 91"  # synthetic: Yvelines, May 1985, key computed
WRONG_KEY = "1 85 05 78 006 084 36"
MOROCCO = with_key("1850399350321")
FORGOTTEN = render("nir_checked", checks="")
NOT_PROOF = render("nir_not_proof")


def test_several_numbers_are_each_checked() -> None:
    checks = check_text(f"{VALID} ou {WRONG_KEY} ?")
    assert [c.valid for c in checks] == [True, False]


def test_a_valid_number_is_said_well_formed_and_decoded() -> None:
    check = check_number(BORDEAUX, get_geography())
    assert check == NIRCheck(
        masked="1 85 03 •• ••• ••• ••",
        valid=True,
        error=None,
        text=(
            "Le numéro 1 85 03 •• ••• ••• •• est bien formé : sa clé est correcte. "
            "Numéro d'une personne née en mars 1985 à Bordeaux (Gironde)."
        ),
        born_abroad=False,
        place="33",
    )


def test_a_number_without_its_key_has_a_correct_form_only() -> None:
    check = check_number(BORDEAUX[:13])
    assert check.valid
    assert check.text.startswith(
        "Le numéro 1 85 03 •• ••• ••• a une forme correcte (sans sa clé de 2 chiffres). "
    )


def test_born_abroad_gives_the_country_never_the_commune() -> None:
    check = check_number(MOROCCO)
    assert (check.born_abroad, check.place) == (True, "Maroc")


@pytest.mark.parametrize(("text", "error"), INVALID)
def test_an_invalid_number_says_why_with_the_error_message(text: str, error: type) -> None:
    check = check_number(text)
    assert not check.valid
    assert check.error == error.code
    assert check.text.startswith(f"Le numéro {mask(text)} n'est pas valide. ")
    assert check.born_abroad is None and check.place is None


def test_the_right_key_is_never_given() -> None:
    check = check_number(wrong_key("1850333063847"))
    assert check.error == "key"
    assert BORDEAUX[13:] not in check.text.replace("1 85 03", "")


def test_only_the_first_few_numbers_are_checked() -> None:
    message = " ; ".join([VALID] * (MAX_CHECKED + 2))
    assert len(check_text(message)) == MAX_CHECKED


def test_the_reply_reminds_that_the_number_is_not_kept() -> None:
    checks = check_text(f"{VALID} ou {WRONG_KEY} ?")
    assert reply(checks) == "\n".join([checks[0].text, checks[1].text, NOT_PROOF, FORGOTTEN])
    assert "ne conserve pas" in FORGOTTEN


def test_a_correct_key_proves_little_only_said_when_one_is_valid() -> None:
    checks = check_text(WRONG_KEY)
    assert reply(checks) == f"{checks[0].text}\n{FORGOTTEN}"
    assert reply([]) == FORGOTTEN


def test_the_answers_cite_their_sources() -> None:
    assert "decret_nir" in answer("nir_checked").sources
    assert answer("nir_not_proof").sources
