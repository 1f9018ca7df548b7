"""What the review index keeps of a text: NIRs and phone numbers hidden (review/masking.py)."""

from __future__ import annotations

import re

import pytest

from review.masking import mask, mask_data, mask_phones, still_identifying

NIR = "2 69 05 49 588 157 80"  # a valid NIR (its key checks)
PHONES = [
    "06 12 34 56 78",
    "0612345678",
    "06.12.34.56.78",
    "06-12-34-56-78",
    "+33 6 12 34 56 78",
    "+33612345678",
    "0033 6 12 34 56 78",
    "+33 (0)6 12 34 56 78",
    "0 6 1 2 3 4 5 6 7 8",
    "06 12 345 678",
    "０６ １２ ３４ ５６ ７８",
]


def digits(text: str) -> str:
    return "".join(str(int(ch)) for ch in text if ch.isdigit())


@pytest.mark.parametrize("phone", PHONES)
def test_a_phone_number_is_hidden_however_typed(phone: str) -> None:
    masked = mask(f"rappelez-moi au {phone} merci")
    assert "612345678" not in digits(masked), masked
    assert masked.startswith("rappelez-moi au ") and masked.endswith(" merci")
    assert "••" in masked


def test_a_french_number_is_shown_as_the_booking_dialogue_shows_it() -> None:
    assert mask_phones("tel : +33 6 12 34 56 78") == "tel : 06 •• •• •• 78"


def test_foreign_numbers_and_long_runs_of_digits_are_hidden_too() -> None:
    for text in ("+44 20 7946 0958", "mon dossier 123456789012", "+1 (415) 555-0199"):
        assert not re.search(r"\d{3}", mask(text).replace(" ", "")), mask(text)


def test_short_numbers_stay() -> None:
    text = "code postal 75011, le 3646, RDV-7K3F9Q, le 27/11, 3 enfants"
    assert mask(text) == text


def test_nirs_are_hidden_again() -> None:
    masked = mask(f"mon numéro {NIR} et {NIR.replace(' ', '')}")
    assert "2690549588157" not in digits(masked)
    assert "2 69 05 •• ••• ••• ••" in masked


def test_nested_data_is_masked() -> None:
    data = {"value": ["06 12 34 56 78", {"deep": NIR}], "n": 3, "ok": True}
    masked = mask_data(data)
    assert masked["n"] == 3 and masked["ok"] is True
    assert "612345678" not in digits(str(masked)) and "2690549588" not in digits(str(masked))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (f"mon numero {NIR}", "nir"),
        ("269054958815780", "nir"),
        ("1 85 05 78 006 084", "nir"),  # no key: still shaped like one
        ("appelez le 06 12 34 56 78", "phone"),
        ("appelez le 0612345678", "phone"),
        ("mon numero 1 85 05 •• ••• ••• •• est bon ?", "masked"),
        ("appelez le 06 •• •• •• 78", "masked"),
        ("j'ai perdu ma carte vitale, je suis du 75011", None),
    ],
)
def test_what_is_still_identifying(text: str, why: str | None) -> None:
    assert still_identifying(text) == why
