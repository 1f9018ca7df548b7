"""Tests of secu.nir.number: compact, validate and its errors, is_valid, format, mask,
calc_key (stdnum.fr.nir as the oracle for the key).

Every number here is synthetic (tests/nirs.py).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.fr import nir as stdnum_nir

from secu import nir
from secu.content import render
from tests.nirs import (
    AJACCIO,
    BORDEAUX,
    INVALID,
    NBSP,
    NNBSP,
    PARIS_15,
    VALID_BODIES,
    any_bodies,
    typed_forms,
    valid_bodies,
    with_key,
    wrong_key,
)

# -- the helper itself -------------------------------------------------------------


def test_key_helper_agrees_with_stdnum() -> None:
    for number in (BORDEAUX, PARIS_15, AJACCIO):
        assert stdnum_nir.is_valid(number)
        assert nir.calc_key(number) == number[13:]
    assert not stdnum_nir.is_valid(wrong_key("1850333063847"))


# -- compact -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "1 85 03 33 063 847 {key}",
        "1.85.03.33.063.847.{key}",
        "1-85-03-33-063-847-{key}",
        "1 85 03 33 063 847 - {key}",
        f"1{NBSP}85{NBSP}03{NBSP}33{NBSP}063{NBSP}847{NBSP}{{key}}",
        f"1{NNBSP}85{NNBSP}03{NNBSP}33{NNBSP}063{NNBSP}847{NNBSP}{{key}}",
        "  1850333063847{key}\n",
        "1\t85\t03 33.063-847 {key}",
    ],
)
def test_compact_strips_every_kind_of_separator(typed: str) -> None:
    assert nir.compact(typed.format(key=BORDEAUX[13:])) == BORDEAUX


def test_compact_uppercases_corsica() -> None:
    assert nir.compact("2 93 03 2a 004 518") == "293032A004518"
    assert nir.compact("1 85 03 2b 033 123") == "185032B033123"


def test_compact_does_not_check_the_length() -> None:
    assert nir.compact("1 2 3") == "123"
    assert nir.compact("") == ""


# -- validate: valid numbers ---------------------------------------------------------


@pytest.mark.parametrize("body", VALID_BODIES)
def test_valid_numbers_with_key(body: str) -> None:
    number = with_key(body)
    assert nir.validate(number) == number
    assert nir.is_valid(number)
    assert stdnum_nir.is_valid(number)


@pytest.mark.parametrize("body", VALID_BODIES)
def test_valid_numbers_without_key(body: str) -> None:
    assert nir.validate(body) == body
    assert nir.is_valid(body)


@pytest.mark.parametrize(
    "typed",
    [
        "2 93 03 2a 004 518 {key}",
        "2.93.03.2A.004.518.{key}",
        "2-93-03-2a-004-518-{key}",
        f"2{NBSP}93{NBSP}03{NBSP}2a{NBSP}004{NBSP}518{NBSP}{{key}}",
        "293032a004518{key}",
    ],
)
def test_valid_number_however_typed(typed: str) -> None:
    assert nir.validate(typed.format(key=AJACCIO[13:])) == AJACCIO


def test_key_97_is_possible() -> None:
    body = str(1850333063847 - 1850333063847 % 97)  # a multiple of 97
    number = with_key(body)
    assert number.endswith("97")
    assert nir.is_valid(number)


# -- validate: each error --------------------------------------------------------------


@pytest.mark.parametrize(("text", "error"), INVALID)
def test_invalid_numbers_raise_their_own_error(text: str, error: type[nir.InvalidNIR]) -> None:
    with pytest.raises(error) as raised:
        nir.validate(text)
    assert type(raised.value) is error
    assert not nir.is_valid(text)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (nir.InvalidLength, "length"),
        (nir.InvalidCharacters, "characters"),
        (nir.InvalidSex, "sex"),
        (nir.InvalidMonth, "month"),
        (nir.InvalidPlace, "place"),
        (nir.InvalidCommune, "commune"),
        (nir.InvalidOrder, "order"),
        (nir.InvalidKey, "key"),
    ],
)
def test_every_error_has_a_code_and_a_french_message(
    error: type[nir.InvalidNIR], code: str
) -> None:
    assert issubclass(error, nir.InvalidNIR)
    assert issubclass(error, ValueError)
    exception = error()
    assert exception.code == code
    assert exception.message == str(exception)
    assert len(exception.message) > 20
    assert exception.message.endswith((".", "?"))


@pytest.mark.parametrize(("text", "error"), INVALID)
def test_error_messages_never_repeat_the_number(text: str, error: type[nir.InvalidNIR]) -> None:
    with pytest.raises(nir.InvalidNIR) as raised:
        nir.validate(text)
    compacted = nir.compact(text)
    if len(compacted) >= 5:
        assert compacted not in raised.value.message
        assert compacted[5:] not in raised.value.message or len(compacted[5:]) < 4


def test_key_error_does_not_give_the_right_key() -> None:
    number = wrong_key("1850333063847")
    right = with_key("1850333063847")[13:]
    with pytest.raises(nir.InvalidKey) as raised:
        nir.validate(number)
    assert right not in raised.value.message
    assert raised.value.message == nir.InvalidKey.default_message
    assert "clé" in raised.value.message


def test_length_error_counts_the_characters() -> None:
    with pytest.raises(nir.InvalidLength) as raised:
        nir.validate("1 85 03 33 063 84")
    assert "J'en compte 12" in raised.value.message
    with pytest.raises(nir.InvalidLength) as raised:
        nir.validate("   ")
    assert "pas trouvé de numéro" in raised.value.message


@pytest.mark.parametrize(
    ("text", "variant", "values"),
    [
        ("1 85 03 33 063 84", "count", {"count": 12}),
        ("", "empty", {"count": 0}),
        (with_key("1851333063847"), "", {"month": "13"}),
        (with_key("0850333063847"), "", {"sex": "0"}),
        (with_key("1850397901321"), "overseas", {"place": "979"}),
        (with_key("1850399699321"), "country", {"continent": "6"}),
        (wrong_key("1850333063847"), "", {}),
    ],
)
def test_errors_carry_the_values_of_the_problem_and_say_them_from_the_content(
    text: str, variant: str, values: dict[str, object]
) -> None:
    with pytest.raises(nir.InvalidNIR) as raised:
        nir.validate(text)
    error = raised.value
    assert (error.variant, error.values) == (variant, values)
    assert error.message == render(error.answer_key(variant), **values)
    assert error.answer_key(variant).startswith(f"nir_error_{error.code}")


def test_specific_messages_for_overseas_and_abroad() -> None:
    with pytest.raises(nir.InvalidPlace) as raised:
        nir.validate(with_key("1850397901321"))
    assert "outre-mer" in raised.value.message
    with pytest.raises(nir.InvalidCommune) as raised:
        nir.validate(with_key("1850399699321"))
    assert "étranger" in raised.value.message
    with pytest.raises(nir.InvalidCommune) as raised:
        nir.validate(with_key("1850397400321"))
    assert "outre-mer" in raised.value.message


@pytest.mark.parametrize("sex", ["3", "4", "7", "8"])
def test_provisional_and_in_progress_numbers_are_not_errors(sex: str) -> None:
    assert nir.is_valid(with_key(sex + "850333063847"))


def test_checks_come_in_order() -> None:
    # sex 0 and a wrong key: the sex is reported first
    with pytest.raises(nir.InvalidSex):
        nir.validate(wrong_key("0850333063847"))
    # wrong length wins over everything
    with pytest.raises(nir.InvalidLength):
        nir.validate("085003300000")


def test_is_valid_on_anything() -> None:
    assert not nir.is_valid("bonjour")
    assert not nir.is_valid("💳" * 15)


# -- format and mask ----------------------------------------------------------------


def test_format() -> None:
    assert nir.format(PARIS_15) == f"2 93 03 75 115 123 {PARIS_15[13:]}"
    assert nir.format("2930375115123") == "2 93 03 75 115 123"
    assert nir.format("2-93-03-2a-004-518") == "2 93 03 2A 004 518"
    assert nir.format(f"2.93.03.75.115.123.{PARIS_15[13:]}") == nir.format(PARIS_15)


def test_mask_keeps_sex_year_and_month_only() -> None:
    assert nir.mask(PARIS_15) == "2 93 03 •• ••• ••• ••"
    assert nir.mask("2930375115123") == "2 93 03 •• ••• •••"
    assert nir.mask(AJACCIO) == "2 93 03 •• ••• ••• ••"
    assert nir.mask("2 93 03 2a 004 518") == "2 93 03 •• ••• •••"


def test_mask_of_malformed_numbers_hides_everything_after_the_fifth_character() -> None:
    assert nir.mask("18503330638471") == "1 85 03 •• ••• ••• •"
    assert nir.mask(wrong_key("1850333063847")) == "1 85 03 •• ••• ••• ••"
    assert nir.mask("1850333063847123") == "1 85 03 •• ••• ••• •••"


@pytest.mark.parametrize("body", VALID_BODIES)
def test_mask_never_shows_place_order_or_key(body: str) -> None:
    number = with_key(body)
    masked = nir.mask(number)
    assert nir.compact(masked).startswith(number[:5])
    assert re.sub(r"[\s•]", "", masked) == number[:5]


# -- property-based tests (stdnum.fr.nir as the oracle for the key) ---------------------------


@given(valid_bodies())
def test_property_our_key_agrees_with_stdnum(body: str) -> None:
    number = with_key(body)
    assert stdnum_nir.is_valid(number)
    assert nir.calc_key(body) == number[13:] == stdnum_nir.calc_check_digits(number)
    assert nir.validate(number) == number
    assert nir.validate(body) == body


@given(valid_bodies(), st.integers(0, 99))
def test_property_a_wrong_key_always_raises_the_key_error(body: str, key: int) -> None:
    number = body + f"{key:02d}"
    assume(number != with_key(body))
    assert not stdnum_nir.is_valid(number)
    with pytest.raises(nir.InvalidKey):
        nir.validate(number)


@given(any_bodies(), st.integers(0, 99))
def test_property_random_bodies_key_check_matches_stdnum(body: str, key: int) -> None:
    number = body + f"{key:02d}"
    try:
        nir.validate(number)
    except nir.InvalidKey:
        assert not stdnum_nir.is_valid(number)
    except nir.InvalidNIR:
        pass  # a rule stdnum does not check (sex, month, place, order)
    else:
        assert stdnum_nir.is_valid(number)
    if stdnum_nir.is_valid(number):
        assert number == with_key(body)


@given(st.data(), valid_bodies(), st.booleans())
def test_property_any_typing_validates_to_the_same_number(
    data: st.DataObject, body: str, keyed: bool
) -> None:
    number = with_key(body) if keyed else body
    assert nir.validate(data.draw(typed_forms(number))) == number
