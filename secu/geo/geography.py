"""INSEE's Code officiel géographique (COG 2025), loaded once from ``data/geo``.

Pure module (no Rasa import). It answers the questions the NIR decoder and the
dialogue need: a department by code (with the article and preposition French
needs: "de la Gironde", "du Rhône", "des Bouches-du-Rhône", "de Paris"), a
commune by INSEE code (including the municipal arrondissements of Paris, Lyon
and Marseille), an overseas collectivity, a country (current or historical),
and name searches that ignore case, accents and hyphens.

Source : Insee, Code officiel géographique 2025 (Licence Ouverte 2.0 Etalab),
see ``data/geo/README.md``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from secu.text import fold

DEFAULT_GEO_DIR = Path(__file__).resolve().parents[2] / "data" / "geo"

# Current communes and municipal arrondissements; the other COG types are
# former communes (delegated or associated) kept under their old code.
CURRENT_COMMUNE_TYPES = frozenset({"COM", "ARM"})
FORMER_COMMUNE_TYPES = frozenset({"COMD", "COMA"})

# How people abbreviate "saint" in place names ("st denis", "ste marie").
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

FRANCE_CODE = "99100"  # France in INSEE's list of countries

# Countries first, then dependent territories, then countries that no longer exist.
_COUNTRY_STATUS_RANK = {"current": 0, "territory": 1, "historical": 2}


def normalize_name(name: str) -> str:
    """Search key for a place name: no case, accents, hyphens or apostrophes.

    "Saint-Denis", "saint denis" and "ST DENIS" give the same key.
    """
    words = fold(name).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


_LEADING_WORDS = re.compile(r"^(?:(?:a|au|aux|en|dans|de|du|des|le|la|les|l|d)\s+)+")


def _without_article(key: str) -> str:
    """A folded place name without the article or preposition before it."""
    return _LEADING_WORDS.sub("", key) or key


class DepartmentNames:
    """How a department is named in a sentence (shared by every department record)."""

    name: str
    article: str
    preposition: str

    @property
    def with_article(self) -> str:
        """The name as the subject of a sentence: "la Gironde", "l'Ain", "Paris"."""
        return f"{self.article.lower()}{self.name}"

    @property
    def with_preposition(self) -> str:
        """The name after "de": "de la Gironde", "du Rhône", "des Landes", "de Paris"."""
        return f"{self.preposition.lower()}{self.name}"


@dataclass(frozen=True)
class Department(DepartmentNames):
    code: str
    name: str
    article: str
    preposition: str
    capital_name: str
    region_code: str
    region_name: str
    is_metropolitan: bool


@dataclass(frozen=True)
class Collectivity:
    """An overseas collectivity whose code is not a department (975, 977, 978, 984-988)."""

    code: str
    name: str


@dataclass(frozen=True)
class Commune:
    code: str
    type_code: str
    name: str
    department_code: str
    parent_code: str

    @property
    def is_arrondissement(self) -> bool:
        return self.type_code == "ARM"

    @property
    def is_former(self) -> bool:
        """A delegated or associated commune: its code only survives as a former commune."""
        return self.type_code in FORMER_COMMUNE_TYPES

    @property
    def display_name(self) -> str:
        """The name as written in a sentence ("Paris 15e arrondissement")."""
        if self.is_arrondissement:
            return self.name.replace(" Arrondissement", " arrondissement")
        return self.name


@dataclass(frozen=True)
class Country:
    code: str
    iso2_code: str
    name: str
    official_name: str
    status: str
    parent_code: str
    valid_until: str

    @property
    def is_historical(self) -> bool:
        return self.status == "historical"

    def name_in(self, language: str) -> str:
        """The name in ``language``: INSEE's French name, or the Unicode CLDR's name of its
        ISO code (through Babel) for another language; INSEE's name when the country has no
        ISO code (most historical ones: "Tchécoslovaquie").

        >>> germany = Country("99109", "DE", "Allemagne", "", "current", "", "")
        >>> germany.name_in("fr"), germany.name_in("en")
        ('Allemagne', 'Germany')
        """
        if language == "fr" or not self.iso2_code:
            return self.name
        return _territory_names(language).get(self.iso2_code, self.name)


@lru_cache(maxsize=4)
def _territory_names(language: str) -> dict[str, str]:
    from babel import Locale  # only when a name is asked in another language than French

    return dict(Locale.parse(language).territories)


@lru_cache(maxsize=1)
def _cldr_country_codes() -> dict[str, str]:
    """The CLDR's French and English territory names (folded) to their ISO codes; the
    regions' numeric codes ("150" Europe) left out."""
    return {
        normalize_name(name): code
        for language in ("fr", "en")
        for code, name in _territory_names(language).items()
        if code.isalpha()
    }


def _read_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


class Geography:
    """Look-ups over the COG files; build it with :meth:`load` or :func:`get_geography`."""

    def __init__(
        self,
        departments: list[Department],
        collectivities: list[Collectivity],
        communes: list[Commune],
        countries: list[Country],
        country_aliases: dict[str, str] | None = None,
    ) -> None:
        self._departments = {d.code: d for d in departments}
        self._collectivities = {c.code: c for c in collectivities}
        self._communes: dict[str, Commune] = {}
        self._former_communes: dict[str, Commune] = {}
        self._communes_by_name: dict[str, list[Commune]] = {}
        self._former_communes_by_name: dict[str, list[Commune]] = {}
        for commune in communes:
            if commune.type_code in CURRENT_COMMUNE_TYPES:
                self._communes[commune.code] = commune
                by_name = self._communes_by_name
            elif commune.type_code in FORMER_COMMUNE_TYPES:
                self._former_communes.setdefault(commune.code, commune)
                by_name = self._former_communes_by_name
            else:
                continue
            by_name.setdefault(normalize_name(commune.name), []).append(commune)
        self._countries = {c.code: c for c in countries}
        self._countries_by_name: dict[str, list[Country]] = {}
        for country in countries:
            keys = {normalize_name(country.name), normalize_name(country.official_name)}
            for key in keys:
                self._countries_by_name.setdefault(key, []).append(country)
        for candidates in self._countries_by_name.values():
            candidates.sort(key=lambda c: (_COUNTRY_STATUS_RANK.get(c.status, 3), c.code))
        self._countries_by_iso2 = {
            c.iso2_code: c for c in reversed(countries) if c.iso2_code and not c.is_historical
        }
        self._country_aliases = {
            normalize_name(name): code for name, code in (country_aliases or {}).items()
        }
        self._departments_by_name: dict[str, Department] = {}
        for department in departments:
            key = normalize_name(department.name)
            self._departments_by_name[key] = department
            self._departments_by_name.setdefault(_without_article(key), department)

    @classmethod
    def load(cls, path: Path | str | None = None) -> Geography:
        """Reads the CSV files of ``path`` (default: ``<repo>/data/geo``)."""
        folder = Path(path) if path is not None else DEFAULT_GEO_DIR
        departments = [
            Department(
                code=row["code"],
                name=row["name"],
                article=row["article"],
                preposition=row["preposition"],
                capital_name=row["capital_name"],
                region_code=row["region_code"],
                region_name=row["region_name"],
                is_metropolitan=row["is_metropolitan"].strip().lower() == "true",
            )
            for row in _read_rows(folder / "departments.csv")
        ]
        collectivities = [
            Collectivity(code=row["code"], name=row["name"])
            for row in _read_rows(folder / "collectivities.csv")
        ]
        communes = [
            Commune(
                code=row["code"],
                type_code=row["type_code"],
                name=row["name"],
                department_code=row["department_code"],
                parent_code=row["parent_code"],
            )
            for row in _read_rows(folder / "communes.csv")
        ]
        countries = [
            Country(
                code=row["code"],
                iso2_code=row["iso2_code"],
                name=row["name"],
                official_name=row["official_name"],
                status=row["status"],
                parent_code=row["parent_code"],
                valid_until=row["valid_until"],
            )
            for row in _read_rows(folder / "countries.csv")
        ]
        aliases = folder / "country_aliases.csv"
        country_aliases = (
            {row["name"]: row["iso2_code"] for row in _read_rows(aliases)}
            if aliases.exists()
            else None
        )
        return cls(departments, collectivities, communes, countries, country_aliases)

    # -- by code ---------------------------------------------------------------

    def department(self, code: str) -> Department | None:
        """A department by code: "33", "2A", "2b", "974" (also "1" for "01")."""
        key = code.strip().upper()
        if len(key) == 1 and key.isdigit():
            key = "0" + key
        return self._departments.get(key)

    def collectivity(self, code: str) -> Collectivity | None:
        """An overseas collectivity by code: "975", "977", "978", "984", "986"-"988"."""
        return self._collectivities.get(code.strip())

    def commune(self, code: str) -> Commune | None:
        """A current commune or municipal arrondissement by its 5-character INSEE code."""
        return self._communes.get(code.strip().upper())

    def former_commune(self, code: str) -> Commune | None:
        """A delegated or associated commune (a former commune) by its old INSEE code."""
        return self._former_communes.get(code.strip().upper())

    def country(self, code: str) -> Country | None:
        """A country or territory by INSEE code: "99350", or its last 3 digits "350"."""
        key = code.strip()
        if len(key) == 3:
            key = "99" + key
        return self._countries.get(key)

    @property
    def departments(self) -> tuple[Department, ...]:
        return tuple(self._departments.values())

    @property
    def collectivities(self) -> tuple[Collectivity, ...]:
        return tuple(self._collectivities.values())

    # -- by name ---------------------------------------------------------------

    def find_communes(self, name: str, include_former: bool = False) -> list[Commune]:
        """Every commune (or arrondissement) with that name, ordered by code.

        Case, accents, hyphens and "st"/"saint" do not matter: "saint denis" gives
        Saint-Denis (93066) and Saint-Denis (97411), among others.
        """
        key = normalize_name(name)
        found = list(self._communes_by_name.get(key, []))
        if include_former:
            found.extend(self._former_communes_by_name.get(key, []))
        return sorted(found, key=lambda c: (c.code, c.type_code))

    def find_country(self, name: str) -> Country | None:
        """A country by its usual or official name; a current country wins over a former one."""
        candidates = self._countries_by_name.get(normalize_name(name))
        return candidates[0] if candidates else None

    def find_country_named(self, name: str) -> Country | None:
        """A country as people name it: INSEE's names (:meth:`find_country`), the Unicode
        CLDR's French and English names of its ISO code ("Germany", "Corée du Sud"), or a
        common name of ``country_aliases.csv`` ("Angleterre", "UK", "RDC"); None for a
        word that names no country ("supermarket")."""
        key = normalize_name(name)
        if found := self.find_country(key):
            return found
        code = self._country_aliases.get(key) or _cldr_country_codes().get(key)
        return self._countries_by_iso2.get(code) if code else None

    def find_department(self, name: str) -> Department | None:
        """A department by name, with or without its article or a preposition
        ("gironde", "Côtes d'Armor", "la reunion", "en Haute-Savoie", "dans le Nord")."""
        key = normalize_name(name)
        return self._departments_by_name.get(key) or self._departments_by_name.get(
            _without_article(key)
        )


@lru_cache(maxsize=1)
def get_geography() -> Geography:
    """The geography of ``GEO_DIR`` (default ``<repo>/data/geo``), loaded once per process."""
    from secu.settings import get_settings

    return Geography.load(get_settings().geo_dir)
