"""Tests of secu.nir.scan: find_nirs, redact and redact_number on numbers typed in any
shape (separators, digit scripts, the key after a dot), and what they must leave alone.

Every number here is synthetic (tests/nirs.py).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from secu import nir
from tests.nirs import (
    AJACCIO,
    BORDEAUX,
    NBSP,
    NNBSP,
    PARIS_15,
    typed_forms,
    valid_bodies,
    with_key,
    wrong_key,
)

# -- find_nirs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (f"mon numéro est {BORDEAUX}", [BORDEAUX]),
        (f"c'est le {nir.format(BORDEAUX)} !", [BORDEAUX]),
        (f"voici 1.85.03.33.063.847.{BORDEAUX[13:]}", [BORDEAUX]),
        (f"voici 1-85-03-33-063-847-{BORDEAUX[13:]}.", [BORDEAUX]),
        (f"voici {nir.format(BORDEAUX).replace(' ', NBSP)}", [BORDEAUX]),
        (f"voici {nir.format(BORDEAUX).replace(' ', NNBSP)}", [BORDEAUX]),
        (f"numéro {nir.format(AJACCIO).lower()}", [AJACCIO]),
        (f"numéro {AJACCIO.lower()}", [AJACCIO]),
        ("sans la clé : 1 85 03 33 063 847", ["1850333063847"]),
        ("1850333063847", ["1850333063847"]),
        (f"n°{BORDEAUX}", [BORDEAUX]),
        (f"NIR:{BORDEAUX}, merci", [BORDEAUX]),
        (f"({nir.format(PARIS_15)})", [PARIS_15]),
        (f"lui {BORDEAUX} et elle {nir.format(PARIS_15)}", [BORDEAUX, PARIS_15]),
        # a wrong key is still NIR-shaped: validate() will say what is wrong
        (f"mon numéro {wrong_key('1850333063847')}", [wrong_key("1850333063847")]),
        (f"numéro {with_key('5850333063847')}", [with_key("5850333063847")]),
        # a NIR followed by a phone number on the same line: found by its key
        (f"{nir.format(BORDEAUX)} 06 12 34 56 78", [BORDEAUX]),
        (f"tel 06 12 34 56 78 {nir.format(BORDEAUX)}", [BORDEAUX]),
        (f"tel 0612345678 {BORDEAUX}", [BORDEAUX]),
    ],
)
def test_find_nirs(message: str, expected: list[str]) -> None:
    found = nir.find_nirs(message)
    assert [match.compact for match in found] == expected
    for match in found:
        assert nir.compact(message[match.start : match.end]) == match.compact
        assert match.span == (match.start, match.end)


def test_find_nirs_span_covers_the_whole_typed_number() -> None:
    message = f"Bonjour, voici {nir.format(BORDEAUX)}. Merci"
    (match,) = nir.find_nirs(message)
    assert message[match.start : match.end] == nir.format(BORDEAUX)


@pytest.mark.parametrize(
    "message",
    [
        "appelez le 3646",
        "01 84 90 36 46",
        "depuis l'étranger : +33 1 84 90 36 46",
        "+33184903646",
        "0033 1 84 90 36 46",
        "Mayotte : 02 69 61 91 91 ou +33 2 69 61 91 91",
        "06 12 34 56 78 / 01 84 90 36 46",
        "06 12 34 56 78 01 84 90 36 46",
        "j'habite au 75011 Paris, 33000 Bordeaux, 97400",
        "carte 4970 1012 3456 7890",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "ts=1732719600.123",
        "abc1850333063847" + BORDEAUX[13:],
        BORDEAUX + "abc",
        "+4915123456789",
        "né le 03/03/1985 à Bordeaux",
        "j'ai 2 ans et 3 mois",
        "",
    ],
)
def test_find_nirs_ignores_phone_numbers_postal_codes_and_other_numbers(message: str) -> None:
    assert nir.find_nirs(message) == []


# -- redact ----------------------------------------------------------------------------


def test_redact_a_message_with_several_numbers_and_a_phone_number() -> None:
    message = (
        f"Moi c'est {nir.format(BORDEAUX)}, ma femme {PARIS_15} et ma fille "
        f"{AJACCIO.lower()} ; rappelez-moi au 06 12 34 56 78 ou au 3646."
    )
    redacted = nir.redact(message)
    assert redacted == (
        "Moi c'est 1 85 03 •• ••• ••• ••, ma femme 2 93 03 •• ••• ••• •• et ma fille "
        "2 93 03 •• ••• ••• •• ; rappelez-moi au 06 12 34 56 78 ou au 3646."
    )
    for number in (BORDEAUX, PARIS_15, AJACCIO):
        assert number[:13] not in nir.compact(redacted)


@pytest.mark.parametrize(
    "malformed",
    [
        wrong_key("1850333063847"),  # wrong key
        "1850333063847",  # no key
        "18503330638471",  # 14 digits
        with_key("5850333063847"),  # impossible sex digit, still NIR-shaped
        with_key("1850033063847"),  # month 00
        "1 85 03 33 063 847 1",
    ],
)
def test_redact_hides_malformed_numbers(malformed: str) -> None:
    redacted = nir.redact(f"mon numéro : {malformed} merci")
    assert redacted.startswith("mon numéro : " + malformed[0])
    assert "•" in redacted
    assert nir.compact(malformed)[5:] not in nir.compact(redacted)


@pytest.mark.parametrize(
    "message",
    [
        f"{nir.format(wrong_key('1850333063847'))} 06 12 34 56 78",
        f"06 12 34 56 78 {nir.format(wrong_key('1850333063847'))}",
        "1850333063847" + "12345",  # glued digits
        "tel 06 12 34 56 78 1 85 03 33 063 847",
    ],
)
def test_redact_hides_numbers_inside_longer_runs_of_digits(message: str) -> None:
    redacted = nir.redact(message)
    assert "1850333063847" not in nir.compact(redacted)
    assert "333063847" not in nir.compact(redacted)


def test_redact_keeps_the_phone_number_next_to_a_valid_number() -> None:
    redacted = nir.redact(f"{nir.format(BORDEAUX)} 06 12 34 56 78")
    assert redacted == "1 85 03 •• ••• ••• •• 06 12 34 56 78"


@pytest.mark.parametrize(
    "message",
    [
        "appelez le 3646 ou le +33 1 84 90 36 46",
        "01 84 90 36 46",
        "code postal 75011, département 2A",
        "timestamp 1732719600.123 et 1764254321.1234567",
        "sender 123e4567-e89b-12d3-a456-426614174000",
        "id 4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90 ok",
        "id 12345678901234567890123456789012 ok",
        "",
        "court",
        "ni chiffres ni numéro dans ce texte assez long pour être examiné",
    ],
)
def test_redact_leaves_other_text_alone(message: str) -> None:
    assert nir.redact(message) == message


def test_redact_is_stable() -> None:
    message = f"{BORDEAUX} et {nir.format(PARIS_15)} et 1850333063847"
    once = nir.redact(message)
    assert nir.redact(once) == once
    assert nir.find_nirs(once) == []


# -- typed in any shape (issue #11): separators, digit scripts, key after a dot -------------

FULLWIDTH = str.maketrans("0123456789ABab", "０１２３４５６７８９ＡＢａｂ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
MATH_BOLD = str.maketrans("0123456789", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗")


def spaced(number: str, separator: str) -> str:
    """The number in its usual groups, with ``separator`` between them."""
    return nir.format(number).replace(" ", separator)


@pytest.mark.parametrize(
    "separator",
    [
        NBSP,
        NNBSP,
        "\u2007",  # figure space
        "\u2009",  # thin space
        "\u2002",  # en space
        "\u205f",  # medium mathematical space
        "\u3000",  # ideographic space
        "\u1680",  # ogham space mark: a Zs too
        "\t",
        "\u2013",  # en dash
        "\u2014",  # em dash
        "\u2015",  # horizontal bar
        "\u2010",  # hyphen
        "\u2011",  # non-breaking hyphen
        "\u2212",  # minus sign
        "\ufe63",  # small hyphen-minus
        "\uff0d",  # fullwidth hyphen-minus
        "/",
        "_",
        ",",
        "\u00b7",  # middle dot
        "\u2027",  # hyphenation point
        "\uff0e",  # fullwidth full stop
        "\u200b",  # zero-width space
        "\u200e",  # left-to-right mark
        "\u00ad",  # soft hyphen
        "   ",
        " -- ",
        " \u2013 ",
        f" {NBSP}-{NBSP} ",
        "\t-\t",
    ],
)
@pytest.mark.parametrize("number", [BORDEAUX, AJACCIO])
def test_every_separator_is_found_redacted_and_compacted(separator: str, number: str) -> None:
    typed = spaced(number, separator)
    message = f"mon numéro est {typed}, merci"
    (match,) = nir.find_nirs(message)
    assert match.compact == number
    assert message[match.start : match.end] == typed
    assert nir.redact(message) == f"mon numéro est {nir.mask(number)}, merci"
    assert nir.compact(typed) == number
    assert nir.validate(typed) == number


@pytest.mark.parametrize("script", [FULLWIDTH, ARABIC_INDIC, PERSIAN, DEVANAGARI, MATH_BOLD])
@pytest.mark.parametrize("number", [BORDEAUX, AJACCIO])
def test_digits_of_other_scripts(script: dict[int, str], number: str) -> None:
    for typed in (number.translate(script), nir.format(number).translate(script)):
        message = f"NIR : {typed} !"
        (match,) = nir.find_nirs(message)
        assert match.compact == number  # ASCII: validate and mask work on it
        assert message[match.start : match.end] == typed
        assert nir.redact(message) == f"NIR : {nir.mask(number)} !"
        assert nir.validate(typed) == number


@pytest.mark.parametrize("letter", ["Ａ", "ａ", "Α", "А", "a"])
def test_the_corsican_letter_in_any_form(letter: str) -> None:
    typed = f"2 93 03 2{letter} 004 518 {AJACCIO[13:]}"
    (match,) = nir.find_nirs(f"voici {typed}")
    assert match.compact == AJACCIO
    assert "004" not in nir.redact(f"voici {typed}")
    assert nir.compact(typed) == AJACCIO


def test_a_corsican_letter_with_several_separators_before_it() -> None:
    typed = f"2 93 03 2 - A 004 518 {AJACCIO[13:]}"
    assert [m.compact for m in nir.find_nirs(typed)] == [AJACCIO]
    assert nir.redact(typed) == nir.mask(AJACCIO)


def test_mixed_scripts_and_separators_in_one_number() -> None:
    typed = f"１{NBSP}٨٥\u201303\u3000３٣·063/８٤７ {BORDEAUX[13:]}"
    assert nir.compact(typed) == BORDEAUX
    assert nir.redact(f"({typed})") == f"({nir.mask(BORDEAUX)})"


@pytest.mark.parametrize("dot", [".", "\u00b7", "\uff0e", "\u066b"])
def test_the_key_after_a_dot(dot: str) -> None:
    typed = f"{BORDEAUX[:13]}{dot}{BORDEAUX[13:]}"
    message = f"numéro {typed} merci"
    assert [m.compact for m in nir.find_nirs(message)] == [BORDEAUX]
    assert nir.redact(message) == f"numéro {nir.mask(BORDEAUX)} merci"
    arabic = typed.translate(ARABIC_INDIC)
    assert nir.redact(arabic) == nir.mask(BORDEAUX)


def test_the_key_after_a_dot_with_spaces_elsewhere() -> None:
    typed = f"1 85 03 33 063 847.{BORDEAUX[13:]}"
    assert [m.compact for m in nir.find_nirs(typed)] == [BORDEAUX]
    assert nir.redact(typed) == nir.mask(BORDEAUX)


@pytest.mark.parametrize(
    "decimal",
    [
        "1732719600.123",
        "1764254321.1234567",
        "1732719600,123",
        "3.14159265358979",
        "12345678901.23",  # 11 digits, a dot, 2 digits: not a body and a key
        "0.1850333063847",
    ],
)
def test_real_decimal_numbers_are_kept(decimal: str) -> None:
    message = f"ts={decimal} ok"
    assert nir.redact(message) == message
    assert nir.find_nirs(message) == []


def test_a_float_with_a_nir_shaped_integer_part_is_masked() -> None:
    assert nir.redact("193037511512328.0") == "1 93 03 •• ••• ••• ••.0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (193037511512328, "1 93 03 •• ••• ••• ••"),
        (-193037511512328, "-1 93 03 •• ••• ••• ••"),
        (193037511512328.0, "1 93 03 •• ••• ••• ••"),
        (1850333063847.45, "1 85 03 •• ••• ••• ••"),
        (1850333063847, "1 85 03 •• ••• •••"),
    ],
)
def test_redact_number_masks_nir_shaped_numbers(value: float, expected: str) -> None:
    assert nir.redact_number(value) == expected


@pytest.mark.parametrize(
    "value",
    [0, 3, 97, 75011, 1732719600, 1732719600.123, 0.98, 1e-9, 1.5e20, True, False, 999999999999],
)
def test_redact_number_keeps_other_numbers(value: float) -> None:
    result = nir.redact_number(value)
    assert result == value and type(result) is type(value)


def test_redact_number_keeps_nan_and_infinities() -> None:
    assert nir.redact_number(float("inf")) == float("inf")
    assert nir.redact_number(float("nan")) != nir.redact_number(float("nan"))  # still NaN


@pytest.mark.parametrize(
    "message",
    [
        # identifiers
        "sender 123e4567-e89b-12d3-a456-426614174000",
        "sender 123E4567-E89B-12D3-A456-426614174000",
        "model 4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90",
        "id 12345678901234567890123456789012 ok",
        "sha1 1234567890123456789012345678901234567a90",
        "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "message_id=0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        # French phone numbers
        "06 12 34 56 78",
        "+33 6 12 34 56 78",
        "0612345678",
        "+33612345678",
        "0033 6 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        f"06{NBSP}12{NBSP}34{NBSP}56{NBSP}78",
        "０６ １２ ３４ ５６ ７８",
        "06 12 34 56 78, 01 84 90 36 46",
        "06 12 34 56 78 / 01 84 90 36 46",
        "06 12 34 56 78 01 84 90 36 46",
        "+33 6 12 34 56 78 ou +33 1 84 90 36 46",
        "Mayotte : 02 69 61 91 91 ou +33 2 69 61 91 91",
        # postal codes, departments, references
        "75011",
        "j'habite au 75011 Paris, 33000 Bordeaux, 97400 Saint-Denis",
        "code postal 20000, département 2A",
        "votre rendez-vous RDV-7K3F9Q est confirmé",
        "rdv 7k3f9q",
        # dates, times, timestamps
        "2024-11-27",
        "2024-11-27T10:15:30.123456+00:00",
        "2024-11-27 10:15:30",
        "le 27/11/2024 à 10h15",
        "27.11.2024",
        "27/11/2024 - 28/11/2024",
        "2024-11-27, 2024-11-28, 2024-11-29",
        "né le 03/03/1985 à Bordeaux",
        "timestamp 1732719600.123 et 1764254321.1234567",
        "ts=1732719600",
    ],
)
def test_identifiers_that_are_not_nirs_are_kept(message: str) -> None:
    assert nir.redact(message) == message
    assert nir.find_nirs(message) == []


def test_a_number_next_to_an_identifier_is_still_masked() -> None:
    message = f"sender 123e4567-e89b-12d3-a456-426614174000 {nir.format(BORDEAUX)}"
    assert nir.redact(message) == (
        f"sender 123e4567-e89b-12d3-a456-426614174000 {nir.mask(BORDEAUX)}"
    )


def test_a_number_next_to_a_phone_number_and_a_date() -> None:
    message = f"06 12 34 56 78, 27/11/2024, {spaced(BORDEAUX, NBSP)}"
    redacted = nir.redact(message)
    assert BORDEAUX[:13] not in nir.compact(redacted)
    assert [m.compact for m in nir.find_nirs(message)] == [BORDEAUX]


def test_a_list_of_numbers_is_not_read_as_a_number_but_is_hidden() -> None:
    message = "75011, 33000, 97400"  # 15 digits once compacted, starting with 7
    assert nir.find_nirs(message) == []
    assert nir.redact(message) == "•••••, •••••, •••••"  # errs on hiding
    listed = f"1, 85, 03, 33, 063, 847, {BORDEAUX[13:]}"  # unless it has a valid key
    assert [m.compact for m in nir.find_nirs(listed)] == [BORDEAUX]
    assert nir.redact(listed) == nir.mask(BORDEAUX)


def test_normalise_keeps_positions() -> None:
    text = f"１{NBSP}٨٥\u2013０３·𝟑3 ｈé"
    normal = nir.normalise(text)
    assert len(normal) == len(text)
    assert normal == "1 85-03.33 hé"


def test_redact_is_fast_on_digit_soup() -> None:
    text = "".join("0123456789 .-\u00a0/,_"[i * 7 % 21] for i in range(5000))
    assert isinstance(nir.redact(text * 4), str)  # linear: no timing assertion here


# -- property-based tests ------------------------------------------------------------------

# Text without anything that reads as a digit ("²" and "①" do, as "2" and "1").
NO_DIGIT_TEXT = st.text(
    st.characters(blacklist_categories=("Nd", "Cs"), blacklist_characters="²³¹").filter(
        lambda char: not nir.normalise(char).isdecimal()
    ),
    max_size=30,
)


@given(st.data(), valid_bodies(), st.booleans(), NO_DIGIT_TEXT, NO_DIGIT_TEXT)
def test_property_redact_never_leaves_the_body(
    data: st.DataObject, body: str, keyed: bool, before: str, after: str
) -> None:
    number = with_key(body) if keyed else body
    written = data.draw(typed_forms(number))
    # one dot alone between the digits reads as a decimal number (a timestamp): left alone
    assume(re.sub(r"[0-9A-Za-z]", "", written) != ".")
    message = before + written + after
    redacted = nir.redact(message)
    assert body not in redacted
    assert body not in nir.compact(redacted)
    assert nir.mask(number) in redacted


@given(st.data(), valid_bodies(), NO_DIGIT_TEXT, NO_DIGIT_TEXT)
def test_property_find_nirs_finds_the_number_in_a_sentence(
    data: st.DataObject, body: str, before: str, after: str
) -> None:
    number = with_key(body)
    written = data.draw(typed_forms(number))
    assume(re.sub(r"[0-9A-Za-z]", "", written) != ".")
    message = f"{before} {written} {after}"
    found = nir.find_nirs(message)
    assert [match.compact for match in found] == [number]
    assert nir.compact(message[found[0].start : found[0].end]) == number


@given(st.text(max_size=200))
def test_property_redact_and_find_nirs_never_fail(text: str) -> None:
    redacted = nir.redact(text)
    assert isinstance(redacted, str)
    for match in nir.find_nirs(text):
        assert match.compact[:13] not in nir.compact(redacted)


@given(
    st.lists(
        st.sampled_from(["0", "1", "2", "5", "9", " ", ".", "-", "a", "A", "+", "x"]), max_size=80
    )
)
def test_property_redact_on_digit_soup(chars: list[str]) -> None:
    text = "".join(chars)
    redacted = nir.redact(text)
    for match in nir.find_nirs(text):
        assert match.compact[:13] not in nir.compact(redacted)
