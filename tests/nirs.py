"""Synthetic NIRs for the tests: a made-up body (random order numbers) whose key is
computed by :func:`with_key` with the public formula, 97 - (body mod 97), reading 2A as 19
and 2B as 18; lists of valid bodies and of invalid numbers with the error each raises; and
the Hypothesis strategies that build numbers and type them as people do."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from secu import nir

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


BORDEAUX = with_key("1850333063847")  # man, March 1985, Bordeaux
PARIS_15 = with_key("2930375115123")  # woman, March 1993, Paris 15e
AJACCIO = with_key("293032A004518")  # woman, March 1993, Ajaccio (2A)

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

# -- Hypothesis strategies -----------------------------------------------------------------

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
def typed_forms(draw: st.DrawFn, number: str) -> str:
    """The number as a person might type it: groups with random separators."""
    groups = [number[0], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13]]
    if len(number) == 15:
        groups.append(number[13:])
    separators = [draw(st.sampled_from(SEPARATOR_CHOICES)) for _ in groups[1:]]
    text = groups[0] + "".join(
        sep + group for sep, group in zip(separators, groups[1:], strict=True)
    )
    return text.lower() if draw(st.booleans()) else text
