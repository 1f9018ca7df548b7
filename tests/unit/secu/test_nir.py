"""Tests of secu.nir: compact, validate, format, mask, find_nirs, redact, decode, describe.

Every number here is synthetic: a made-up body (random order numbers) whose key
is computed by :func:`with_key` with the public formula, 97 - (body mod 97),
reading 2A as 19 and 2B as 18.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.fr import nir as stdnum_nir

from secu import nir
from secu.geo.geography import get_geography

TODAY = date(2026, 11, 27)
NBSP = "\u00a0"
NNBSP = "\u202f"


def with_key(body: str) -> str:
    """The 13-character body followed by its key (public formula)."""
    assert len(body) == 13
    place = {"2A": "19", "2B": "18"}.get(body[5:7], body[5:7])
    value = int(body[:5] + place + body[7:])
    return body + f"{97 - value % 97:02d}"


def wrong_key(body: str) -> str:
    """The body followed by a key that is not its own."""
    right = int(with_key(body)[13:])
    return body + f"{right % 97 + 1:02d}"


def decode(number: str) -> nir.NIRInfo:
    return nir.decode(number, today=TODAY)


BORDEAUX = with_key("1850333063847")  # man, March 1985, Bordeaux
PARIS_15 = with_key("2930375115123")  # woman, March 1993, Paris 15e
AJACCIO = with_key("293032A004518")  # woman, March 1993, Ajaccio (2A)


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

VALID_BODIES = [
    "1850333063847",  # man, Bordeaux
    "2930375115123",  # woman, Paris 15e
    "3850399350211",  # 3: registration in progress, born in Morocco
    "4850399350212",  # 4
    "7850375115901",  # 7: provisional
    "8850375115902",  # 8
    "1850133063847",  # January
    "1851233063847",  # December
    "1852033063847",  # 20: month unknown
    "1853033063847",  # 30: month unknown
    "1853133063847",  # 31: January, incomplete document
    "1854233063847",  # 42: December, incomplete document
    "1855033063847",  # 50: month unknown
    "1859933063847",  # 99: month unknown
    "293032A004518",  # Corse-du-Sud
    "185032B033123",  # Haute-Corse
    "1500320004123",  # 20: Corsica before 1976
    "1500396123123",  # 96: Tunisia before independence
    "1850391228321",  # 91: Essonne or Algeria
    "1850395127321",  # 95: Val-d'Oise or Morocco
    "1850301001321",  # department 01
    "1850397105321",  # Guadeloupe
    "1850397411321",  # La Réunion
    "1850397611321",  # Mayotte
    "1850397501321",  # Saint-Pierre-et-Miquelon
    "1850397701321",  # Saint-Barthélemy
    "1850397801321",  # Saint-Martin
    "1850398411321",  # TAAF
    "1850398611321",  # Wallis-et-Futuna
    "1850398711321",  # Polynésie française
    "1850398818321",  # Nouvelle-Calédonie
    "1850399115321",  # Tchécoslovaquie (historical)
    "1850399404321",  # États-Unis
    "1850399501321",  # Australie
    "1850333999321",  # commune not in the COG: still valid
    "1850333063001",  # order 001
    "1850333063999",  # order 999
]


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

INVALID = [
    # (text, exception class)
    ("", nir.InvalidLength),
    ("185033306", nir.InvalidLength),
    ("18503330638", nir.InvalidLength),
    ("18503330638471", nir.InvalidLength),  # 14
    ("1850333063847123", nir.InvalidLength),  # 16
    ("1 85 03 33 063 847 12 3", nir.InvalidLength),
    ("1850333O63847", nir.InvalidCharacters),  # letter O instead of zero
    ("18503330638X7", nir.InvalidCharacters),
    ("185032C033123", nir.InvalidCharacters),  # only 2A and 2B
    ("1850A33063847", nir.InvalidCharacters),
    ("18503330638472A", nir.InvalidCharacters),
    ("1850333063847+1", nir.InvalidCharacters),
    ("18503A2063847", nir.InvalidCharacters),  # A out of place
    (with_key("0850333063847"), nir.InvalidSex),
    (with_key("5850333063847"), nir.InvalidSex),
    (with_key("6850333063847"), nir.InvalidSex),
    (with_key("9850333063847"), nir.InvalidSex),
    ("0850333063847", nir.InvalidSex),
    (with_key("1850033063847"), nir.InvalidMonth),  # 00
    (with_key("1851333063847"), nir.InvalidMonth),  # 13
    (with_key("1851933063847"), nir.InvalidMonth),  # 19
    (with_key("1854333063847"), nir.InvalidMonth),  # 43
    (with_key("1854933063847"), nir.InvalidMonth),  # 49
    (with_key("1850300063847"), nir.InvalidPlace),  # department 00
    (with_key("1850397001321"), nir.InvalidPlace),  # 970
    (with_key("1850397901321"), nir.InvalidPlace),  # 979
    (with_key("1850398001321"), nir.InvalidPlace),  # 980
    (with_key("1850398501321"), nir.InvalidPlace),  # 985
    (with_key("1850398901321"), nir.InvalidPlace),  # 989
    (with_key("1850333000847"), nir.InvalidCommune),  # commune 000
    (with_key("185032A000847"), nir.InvalidCommune),
    (with_key("1500320000847"), nir.InvalidCommune),
    (with_key("1500396000847"), nir.InvalidCommune),
    (with_key("1850397400321"), nir.InvalidCommune),  # overseas commune 00
    (with_key("1850398800321"), nir.InvalidCommune),
    (with_key("1850399000321"), nir.InvalidCommune),  # country 000
    (with_key("1850399699321"), nir.InvalidCommune),  # continent 6
    (with_key("1850399900321"), nir.InvalidCommune),  # continent 9
    (with_key("1850333063000"), nir.InvalidOrder),
    (wrong_key("1850333063847"), nir.InvalidKey),
    (wrong_key("293032A004518"), nir.InvalidKey),
    (wrong_key("185032B033123"), nir.InvalidKey),
    ("185033306384700", nir.InvalidKey),
    ("185033306384798", nir.InvalidKey),
    ("185033306384799", nir.InvalidKey),
]


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


def test_match_alias() -> None:
    assert nir.Match is nir.NIRMatch


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


# -- decode: sex and kind of number ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sex_digit", "sex", "kind"),
    [
        ("1", "homme", "definitive"),
        ("2", "femme", "definitive"),
        ("3", None, "in_progress"),
        ("4", None, "in_progress"),
        ("7", None, "provisional"),
        ("8", None, "provisional"),
    ],
)
def test_decode_sex_and_kind(sex_digit: str, sex: str | None, kind: str) -> None:
    info = decode(with_key(sex_digit + "850333063847"))
    assert info.sex_digit == sex_digit
    assert info.sex == sex
    assert info.kind == kind
    assert info.kind_label
    if kind == "definitive":
        assert info.kind_label == "numéro définitif"
    else:
        assert any(sex_digit in note for note in info.notes)


def test_describe_explains_provisional_and_in_progress_numbers() -> None:
    provisional = nir.describe(decode(with_key("7850333063847")))
    assert "provisoire" in provisional
    in_progress = nir.describe(decode(with_key("3850399350211")))
    assert "en cours" in in_progress


# -- decode: year ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "possible"),
    [
        ("85", (1985,)),
        ("99", (1999,)),
        ("27", (1927,)),  # after 2026's "26": only 19xx
        ("26", (1926, 2026)),
        ("05", (1905, 2005)),
        ("00", (1900, 2000)),
    ],
)
def test_decode_year(year: str, possible: tuple[int, ...]) -> None:
    info = decode(with_key("1" + year + "0333063847"))
    assert info.year == year
    assert info.possible_years == possible


def test_decode_uses_today_by_default() -> None:
    info = nir.decode(with_key("1850333063847"))
    assert info.possible_years == (1985,)


# -- decode: month -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "month", "label", "has_note"),
    [
        ("01", 1, "janvier", False),
        ("03", 3, "mars", False),
        ("08", 8, "août", False),
        ("12", 12, "décembre", False),
        ("20", None, "mois inconnu", True),
        ("30", None, "mois inconnu", True),
        ("31", 1, "janvier", True),
        ("33", 3, "mars", True),
        ("42", 12, "décembre", True),
        ("50", None, "mois inconnu", True),
        ("99", None, "mois inconnu", True),
    ],
)
def test_decode_month(code: str, month: int | None, label: str, has_note: bool) -> None:
    info = decode(with_key("185" + code + "33063847"))
    assert info.month_code == code
    assert info.month == month
    assert info.month_label == label
    assert any(f"code mois {code}" in note for note in info.notes) == has_note


def test_describe_unknown_month() -> None:
    text = nir.describe(decode(with_key("1852533063847")))
    assert text == "Numéro d'une personne née en 1985 (mois non précisé) à Bordeaux (Gironde)."


def test_incomplete_document_month_is_explained() -> None:
    info = decode(with_key("1853333063847"))
    assert nir.describe(info).startswith("Numéro d'une personne née en mars 1985 à Bordeaux")
    assert any("incomplet" in note for note in info.notes)


# -- decode: place in France ---------------------------------------------------------------


def test_decode_bordeaux() -> None:
    info = decode(BORDEAUX)
    assert info.place_type == "france"
    assert info.department_code == "33"
    assert info.department_name == "Gironde"
    assert info.commune_code == "33063"
    assert info.commune_name == "Bordeaux"
    assert info.commune_found is True
    assert info.born_abroad is False
    assert info.country_code is None
    assert info.has_key is True
    assert info.masked == "1 85 03 •• ••• ••• ••"
    assert info.ambiguity is None
    assert nir.describe(info) == "Numéro d'une personne née en mars 1985 à Bordeaux (Gironde)."


@pytest.mark.parametrize(
    ("body", "commune", "department", "sentence"),
    [
        ("2930375115123", "Paris 15e arrondissement", "Paris", "à Paris 15e arrondissement."),
        ("2930369383123", "Lyon 3e arrondissement", "Rhône", "à Lyon 3e arrondissement (Rhône)."),
        (
            "2930313208123",
            "Marseille 8e arrondissement",
            "Bouches-du-Rhône",
            "à Marseille 8e arrondissement (Bouches-du-Rhône).",
        ),
        ("2930375056123", "Paris", "Paris", "à Paris."),
        ("2930359350123", "Lille", "Nord", "à Lille (Nord)."),
    ],
)
def test_decode_cities_and_arrondissements(
    body: str, commune: str, department: str, sentence: str
) -> None:
    info = decode(with_key(body))
    assert info.commune_name == commune
    assert info.department_name == department
    assert nir.describe(info).endswith(sentence)


def test_unknown_commune_is_not_an_error() -> None:
    number = with_key("1850333999321")
    assert nir.is_valid(number)
    info = decode(number)
    assert info.commune_found is False
    assert info.commune_name is None
    assert info.department_name == "Gironde"
    assert any(note.startswith("Commune non retrouvée") for note in info.notes)
    assert nir.describe(info) == (
        "Numéro d'une personne née en mars 1985 dans le département de la Gironde "
        "(commune non retrouvée)."
    )


def test_former_commune_is_named_with_its_current_commune() -> None:
    info = decode(with_key("1850301039321"))
    assert info.commune_found is True
    assert info.commune_name == "Béon"
    assert info.department_name == "Ain"
    assert any("Culoz-Béon" in note for note in info.notes)


# -- decode: Corsica -----------------------------------------------------------------------


def test_corsica_since_1976() -> None:
    info = decode(AJACCIO)
    assert info.place_type == "france"
    assert info.department_code == "2A"
    assert info.department_name == "Corse-du-Sud"
    assert info.commune_name == "Ajaccio"
    assert nir.describe(info) == "Numéro d'une personne née en mars 1993 à Ajaccio (Corse-du-Sud)."
    bastia = decode(with_key("185032B033123"))
    assert bastia.department_name == "Haute-Corse"
    assert bastia.commune_name == "Bastia"


def test_corsica_before_1976_uses_20() -> None:
    info = decode(with_key("1500320004123"))
    assert info.place_type == "corsica_before_1976"
    assert info.department_code == "20"
    assert info.department_name == "Corse"
    assert info.commune_code == "2A004"
    assert info.commune_name == "Ajaccio"
    assert info.born_abroad is False
    assert any("avant 1976" in note for note in info.notes)
    assert nir.describe(info) == "Numéro d'une personne née en mars 1950 à Ajaccio (Corse)."


def test_corsica_codes_narrow_the_century() -> None:
    # 20 is only used before 1976: "05" is 1905, not 2005
    assert decode(with_key("1050320004123")).possible_years == (1905,)
    # 2A/2B only since 1976: "05" is 2005, not 1905
    assert decode(with_key("105032A004123")).possible_years == (2005,)


@pytest.mark.parametrize("body", ["185032A004123", "1850320004123"])
def test_corsica_code_that_does_not_fit_the_year_is_explained_not_rejected(body: str) -> None:
    # 2A in 1985 is fine; 20 in 1985 does not fit, 2A in 1950 neither
    info = decode(with_key(body))
    assert info.possible_years == (1985,)
    misfit = body[5:7] == "20"
    assert any("ne correspond pas" in note for note in info.notes) == misfit
    old_2a = decode(with_key("150032A004123"))
    assert old_2a.possible_years == (1950,)
    assert any("depuis 1976" in note for note in old_2a.notes)


def test_corsica_unknown_commune() -> None:
    info = decode(with_key("1500320999123"))
    assert info.commune_found is False
    assert "Corse (commune non retrouvée)" in nir.describe(info)


# -- decode: overseas ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "department", "commune", "label"),
    [
        ("1850397105321", "Guadeloupe", "Basse-Terre", "à Basse-Terre (Guadeloupe)"),
        ("1850397411321", "La Réunion", "Saint-Denis", "à Saint-Denis (La Réunion)"),
        ("1850397611321", "Mayotte", "Mamoudzou", "à Mamoudzou (Mayotte)"),
    ],
)
def test_overseas_departments(body: str, department: str, commune: str, label: str) -> None:
    info = decode(with_key(body))
    assert info.place_type == "overseas"
    assert info.department_name == department
    assert info.commune_name == commune
    assert info.born_abroad is False
    assert info.place_label == label


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("1850397501321", "Saint-Pierre-et-Miquelon"),
        ("1850397701321", "Saint-Barthélemy"),
        ("1850397801321", "Saint-Martin"),
        ("1850398411321", "Terres australes et antarctiques françaises"),
        ("1850398611321", "Wallis-et-Futuna"),
        ("1850398711321", "Polynésie française"),
        ("1850398818321", "Nouvelle-Calédonie"),
    ],
)
def test_overseas_collectivities(body: str, name: str) -> None:
    info = decode(with_key(body))
    assert info.place_type == "overseas"
    assert info.department_code == body[5:8]
    assert info.department_name == name
    assert info.commune_found is None
    assert info.born_abroad is False
    assert nir.describe(info) == f"Numéro d'une personne née en mars 1985 outre-mer ({name})."


def test_overseas_unknown_commune() -> None:
    info = decode(with_key("1850397499321"))
    assert info.commune_found is False
    assert "dans le département de La Réunion (commune non retrouvée)" in nir.describe(info)


# -- decode: abroad --------------------------------------------------------------------------


def test_born_abroad_current_country() -> None:
    info = decode(with_key("1850399350321"))
    assert info.place_type == "abroad"
    assert info.country_code == "99350"
    assert info.country_name == "Maroc"
    assert info.born_abroad is True
    assert info.department_code is None
    assert nir.describe(info) == "Numéro d'une personne née en mars 1985 à l'étranger (Maroc)."


def test_born_abroad_historical_country() -> None:
    info = decode(with_key("1850399115321"))
    assert info.country_name == "Tchécoslovaquie"
    assert info.born_abroad is True
    assert any("Tchécoslovaquie" in note and "1993" in note for note in info.notes)
    # Czechoslovakia ended in 1993: "05" can only be 1905
    assert decode(with_key("1050399115321")).possible_years == (1905,)


def test_born_abroad_east_germany() -> None:
    info = decode(with_key("1650399141321"))
    assert info.country_name == "Allemagne de l’Est"


def test_born_abroad_unknown_country_is_not_an_error() -> None:
    number = with_key("1850399199321")
    assert nir.is_valid(number)
    info = decode(number)
    assert info.country_name is None
    assert info.born_abroad is True
    assert "pays non retrouvé" in nir.describe(info)


# -- decode: 91-96 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "department", "country", "commune"),
    [
        ("1850391228321", "Essonne", "Algérie", "Évry-Courcouronnes"),
        ("1580392999321", "Hauts-de-Seine", "Algérie", None),
        ("1580393066321", "Seine-Saint-Denis", "Algérie", "Saint-Denis"),
        ("1580394038321", "Val-de-Marne", "Algérie", "L'Haÿ-les-Roses"),
        ("1850395127321", "Val-d'Oise", "Maroc", "Cergy"),
    ],
)
def test_91_to_95_have_two_meanings(
    body: str, department: str, country: str, commune: str | None
) -> None:
    info = decode(with_key(body))
    assert info.place_type == "ambiguous"
    assert info.born_abroad is None
    assert info.department_name == department
    assert info.country_name == country
    assert info.commune_name == commune
    text = nir.describe(info)
    assert department in text
    assert country in text
    assert "1968" in text
    assert "avant l'indépendance" in text
    assert "à l'étranger" not in text
    assert info.ambiguity is not None and info.ambiguity in text


def test_96_is_tunisia_before_independence() -> None:
    info = decode(with_key("1500396123123"))
    assert info.place_type == "ambiguous"
    assert info.born_abroad is None
    assert info.department_code is None
    assert info.country_name == "Tunisie"
    assert nir.describe(info) == (
        "Numéro d'une personne née en mars 1950. Le code lieu 96 désigne la Tunisie, "
        "pour une naissance avant l'indépendance."
    )


# -- decode: numbers without key, invalid numbers, the data class ------------------------------


def test_decode_without_key() -> None:
    info = decode("1850333063847")
    assert info.has_key is False
    assert info.masked == "1 85 03 •• ••• •••"
    assert any("clé" in note for note in info.notes)
    assert nir.describe(info) == (
        "Numéro d'une personne née en mars 1985 à Bordeaux (Gironde). "
        "La clé n'a pas été donnée, elle n'a donc pas pu être vérifiée."
    )


@pytest.mark.parametrize(("text", "error"), INVALID)
def test_decode_refuses_invalid_numbers(text: str, error: type[nir.InvalidNIR]) -> None:
    with pytest.raises(error):
        decode(text)


def test_decode_accepts_a_geography() -> None:
    info = nir.decode(BORDEAUX, get_geography(), today=TODAY)
    assert info.commune_name == "Bordeaux"


def test_decode_accepts_the_number_however_typed() -> None:
    assert decode(nir.format(AJACCIO).lower()) == decode(AJACCIO)


def test_info_is_frozen_plain_data() -> None:
    info = decode(BORDEAUX)
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.sex = "femme"  # type: ignore[misc]
    for value in dataclasses.asdict(info).values():
        assert value is None or isinstance(value, (str, int, bool, tuple))


@pytest.mark.parametrize("body", VALID_BODIES)
def test_describe_never_repeats_the_number(body: str) -> None:
    number = with_key(body)
    for text in (nir.describe(decode(number)), *decode(number).notes):
        assert number[5:13] not in nir.compact(text)
        assert number[7:] not in nir.compact(text)


def test_module_has_no_rasa_import() -> None:
    source = Path(nir.__file__).read_text(encoding="utf-8")
    assert "import rasa" not in source and "from rasa" not in source


# -- property-based tests (stdnum.fr.nir as the oracle for the key) ---------------------------

DIGIT = "0123456789"
OVERSEAS_CODES = [
    "971",
    "972",
    "973",
    "974",
    "975",
    "976",
    "977",
    "978",
    "984",
    "986",
    "987",
    "988",
]
MONTHS = [f"{m:02d}" for m in [*range(1, 13), *range(20, 43), *range(50, 100)]]


@st.composite
def valid_bodies(draw: st.DrawFn) -> str:
    """13 characters that pass every rule but the key."""
    sex = draw(st.sampled_from("123478"))
    year = draw(st.text(DIGIT, min_size=2, max_size=2))
    month = draw(st.sampled_from(MONTHS))
    kind = draw(st.sampled_from(["metro", "corsica", "overseas", "abroad"]))
    if kind == "metro":
        department = f"{draw(st.integers(1, 96)):02d}"
        place = department + f"{draw(st.integers(1, 999)):03d}"
    elif kind == "corsica":
        place = draw(st.sampled_from(["2A", "2B"])) + f"{draw(st.integers(1, 999)):03d}"
    elif kind == "overseas":
        prefix = draw(st.sampled_from(OVERSEAS_CODES))
        place = prefix + f"{draw(st.integers(1, 99)):02d}"
    else:
        place = "99" + draw(st.sampled_from("12345")) + draw(st.text(DIGIT, min_size=2, max_size=2))
    order = f"{draw(st.integers(1, 999)):03d}"
    return sex + year + month + place + order


@st.composite
def any_bodies(draw: st.DrawFn) -> str:
    """13 random characters of NIR shape: digits, with 2A/2B sometimes."""
    digits = draw(st.text(DIGIT, min_size=13, max_size=13))
    corsica = draw(st.sampled_from(["", "2A", "2B"]))
    return digits[:5] + corsica + digits[5 + len(corsica) :] if corsica else digits


SEPARATOR_CHOICES = ["", " ", ".", "-", NBSP, NNBSP, " - ", "  "]


@st.composite
def typed(draw: st.DrawFn, number: str) -> str:
    """The number as a person might type it: groups with random separators."""
    groups = [number[0], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13]]
    if len(number) == 15:
        groups.append(number[13:])
    separators = [draw(st.sampled_from(SEPARATOR_CHOICES)) for _ in groups[1:]]
    text = groups[0] + "".join(
        sep + group for sep, group in zip(separators, groups[1:], strict=True)
    )
    return text.lower() if draw(st.booleans()) else text


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
    assert nir.validate(data.draw(typed(number))) == number


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
    written = data.draw(typed(number))
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
    written = data.draw(typed(number))
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
