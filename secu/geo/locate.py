"""Where the user lives, from a department code, a postal code or a commune name; and
the overseas collectivities that are not departments (Saint-Martin, Polynésie…), which
have no CPAM and are answered apart.

Pure module: no Rasa import. Geography comes from INSEE's COG (data/geo).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from secu.geo.geography import Geography, _without_article, normalize_name
from secu.text import fold

_DEPT = re.compile(r"^(?:0?[1-9]|[1-8]\d|9[0-5]|2[ab]|97[1-6])$", re.IGNORECASE)
_POSTAL = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Place:
    """A department the user belongs to (for contacts), with how it was found."""

    department_code: str
    department_name: str
    label: str  # "la Gironde", "Paris", "l'Ain": the department with its article
    commune: str | None = None


@dataclass(frozen=True)
class Ambiguous:
    """A commune name found in several departments: the user must choose."""

    name: str
    options: tuple[Place, ...]


def department_code(text: str) -> str | None:
    """'33', 'le 2a', '974', '1' → '33', '2A', '974', '01'; None when not a department."""
    token = fold(text).replace("le ", "").replace("dans ", "").replace(" ", "")
    if not _DEPT.match(token):
        return None
    token = token.upper()
    return token.zfill(2) if token.isdigit() and len(token) < 2 else token


_POSTAL_IN_TEXT = re.compile(r"\b(\d{5})\b")
_DEPT_IN_TEXT = re.compile(
    r"\b(?:le|du|dans le|departement|dept|dpt)\s+(0?[1-9]|[1-8]\d|9[0-5]|2[ab]|97[1-6])\b"
)


def clues_in_text(text: str) -> dict[str, str]:
    """A postal code or a department number written in a message ("j'habite dans le 33",
    "75011", "974"), for when the NLU tagged no place."""
    folded = fold(text)
    if (postal := _POSTAL_IN_TEXT.search(folded)) and department_from_postal_code(postal[1]):
        return {"postal_code": postal[1]}
    if code := department_code(folded):
        return {"department": code}
    if found := _DEPT_IN_TEXT.search(folded):
        return {"department": found[1]}
    return {}


def department_from_postal_code(code: str) -> str | None:
    """First digits of a postal code → department (Corsica and overseas included)."""
    code = code.strip()
    if not _POSTAL.match(code):
        return None
    if code.startswith("97"):
        dept = code[:3]
        return dept if dept in {"971", "972", "973", "974", "976"} else None
    if code.startswith("20"):
        number = int(code)
        if 20000 <= number <= 20199:
            return "2A"
        if 20200 <= number <= 20699:
            return "2B"
        return None
    dept = code[:2]
    return dept if department_code(dept) and dept != "00" else None


def place_for_department(geo: Geography, code: str) -> Place | None:
    dept = geo.department(code)
    if dept is None:
        return None
    return Place(dept.code, dept.name, dept.with_article)


def locate(
    geo: Geography,
    *,
    department: str | None = None,
    postal_code: str | None = None,
    city: str | None = None,
) -> Place | Ambiguous | None:
    """The user's department from the most precise clue given; None when none fits."""
    if postal_code:
        code = department_from_postal_code(postal_code)
        if code and (place := place_for_department(geo, code)):
            return place
    if city:
        found = resolve_city(geo, city)
        if found is not None:
            return found
    if department:
        code = department_code(department)
        if code:
            return place_for_department(geo, code)
        # a department named, not numbered ("la reunion", "gironde")
        return resolve_city(geo, department)
    return None


def resolve_city(geo: Geography, name: str) -> Place | Ambiguous | None:
    """A commune name (or a department name, "la Gironde") → its department.

    A department's name wins over communes of other departments named alike: "la
    Réunion" is the island, not the village of Lot-et-Garonne."""
    communes = [c for c in geo.find_communes(name) if c.type_code in ("COM", "ARM")]
    if dept := geo.find_department(name):
        communes = [c for c in communes if c.department_code == dept.code]
        if not communes:
            return place_for_department(geo, dept.code)
    # An arrondissement and its city share a department: keep one place per department.
    by_department: dict[str, Place] = {}
    for commune in communes:
        place = place_for_department(geo, commune.department_code)
        if place and commune.department_code not in by_department:
            by_department[commune.department_code] = Place(
                place.department_code, place.department_name, place.label, commune.name
            )
    if not by_department:
        return None
    if len(by_department) == 1:
        return next(iter(by_department.values()))
    options = tuple(sorted(by_department.values(), key=lambda p: p.department_code))
    return Ambiguous(communes[0].name, options)


_WORD = re.compile(r"[\w'’-]+")


def widen_city(geo: Geography, text: str, start: int, end: int, name: str) -> str:
    """The commune name around an entity the NLU cut short ("saint [denis]").

    Tries the entity with up to three words before and after it, longest first, and keeps
    the first that names a commune; otherwise the entity as it was.
    """
    before = _WORD.findall(text[:start])[-3:]
    after = _WORD.findall(text[end:])[:3]
    candidates = [
        " ".join([*before[len(before) - b :], name, *after[:a]])
        for b in range(len(before), -1, -1)
        for a in range(len(after), -1, -1)
        if a or b
    ]
    for candidate in sorted(candidates, key=len, reverse=True):
        if geo.find_communes(candidate):
            return candidate
    return name


# -- overseas collectivities (975, 977, 978, 984, 986-988) --------------------------------

# Other names people give them, folded as normalize_name() folds ("st" is "saint"): place
# names, like the INSEE names of data/geo/collectivities.csv that are matched too.
COLLECTIVITY_OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "975": ("miquelon", "spm"),
    "977": ("saint barth", "saint barthelemy"),
    "978": ("saint martin",),
    "984": ("taaf", "kerguelen"),
    "986": ("wallis", "futuna"),
    "987": ("polynesie", "tahiti", "papeete", "moorea", "bora bora"),
    "988": ("nouvelle caledonie", "caledonie", "noumea"),
}
# Their postal codes: Saint-Barthélemy and Saint-Martin kept Guadeloupe's 971xx.
_COLLECTIVITY_POSTAL = {"97133": "977", "97150": "978"}
_COLLECTIVITY_POSTAL_PREFIXES = ("975", "986", "987", "988")
_COLLECTIVITY_CODE = re.compile(r"^(?:97[578]|98[4678])$")
_COLLECTIVITY_CODE_IN_TEXT = re.compile(
    r"\b(?:le|du|dans le|departement|dept|dpt)\s+(97[578]|98[4678])\b"
)


def collectivity_from_postal_code(code: str) -> str | None:
    """'97150' → '978' (Saint-Martin), '98713' → '987'; None for any other code."""
    code = code.strip()
    if not _POSTAL.match(code):
        return None
    if code in _COLLECTIVITY_POSTAL:
        return _COLLECTIVITY_POSTAL[code]
    return code[:3] if code[:3] in _COLLECTIVITY_POSTAL_PREFIXES else None


def collectivity_names(geo: Geography) -> dict[str, str]:
    """Every name of a collectivity (folded) → its code, the longest names first."""
    names = {normalize_name(c.name): c.code for c in geo.collectivities}
    for code, others in COLLECTIVITY_OTHER_NAMES.items():
        names.update(dict.fromkeys(others, code))
    return dict(sorted(names.items(), key=lambda item: -len(item[0])))


def collectivity_code(geo: Geography, value: str) -> str | None:
    """The collectivity a place value names: its code ('978'), its name ('Saint-Martin',
    'st barth', 'la polynesie francaise') or a postal code; None otherwise."""
    token = fold(value).replace(" ", "")
    if _COLLECTIVITY_CODE.match(token) and geo.collectivity(token):
        return token
    if postal := collectivity_from_postal_code(token):
        return postal
    key = normalize_name(value)
    names = collectivity_names(geo)
    return names.get(key) or names.get(_without_article(key))


def collectivity_in_text(geo: Geography, text: str) -> str | None:
    """A collectivity named in a message the NLU tagged no place in ("j'habite a saint
    martin", "je vis a tahiti", "dans le 987"), unless the name is part of a longer commune
    name ("saint martin d'heres" is in Isère)."""
    folded = normalize_name(text)
    if found := _COLLECTIVITY_CODE_IN_TEXT.search(folded):
        return found[1]
    for name, code in collectivity_names(geo).items():
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", folded):
            widened = widen_city(geo, folded, match.start(), match.end(), name)
            if normalize_name(widened) == name:
                return code
    return None


def has_homonym_communes(geo: Geography, name: str) -> bool:
    """Communes of France bear this collectivity's name ("Saint-Martin", in the Gers…)."""
    return bool(geo.find_communes(name))
