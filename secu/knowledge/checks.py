"""Checking the knowledge content: every problem is collected, then reported at once.

:class:`Checker` reads typed values out of the YAML records and notes what is wrong
with them; :func:`read_file` reads one content file with :func:`secu.text.read_yaml`;
:func:`expand_codes` and :func:`is_official_url` are the rules the readers share.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from secu.text import ContentError, read_merged, read_yaml

# Procedure links may only point to these official sites (or their sub-domains).
OFFICIAL_LINK_DOMAINS = (
    "ameli.fr",
    "service-public.fr",
    "cleiss.fr",
    "cfe.fr",
    "msa.fr",
    "cnmss.fr",
    "enim.eu",
    "legifrance.gouv.fr",
)

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_CODE_RANGE = re.compile(r"^(\d+)-(\d+)$")


class KnowledgeError(ValueError):
    """The content files are inconsistent; the message lists every problem found."""


def read_file(path: Path) -> dict[str, Any]:
    """A content file as a mapping (:func:`secu.text.read_yaml`); :class:`KnowledgeError`
    when it is not valid YAML or not a mapping."""
    try:
        return read_yaml(path)
    except ContentError as error:
        raise KnowledgeError(str(error)) from error


def read_kind(folder: Path, kind: str) -> dict[str, Any]:
    """One kind of content from ``kind.yml`` and ``kind/*.yml`` (:func:`secu.text.read_merged`);
    :class:`KnowledgeError` when a file is broken or an entry is defined twice."""
    try:
        return read_merged(folder, kind)
    except ContentError as error:
        raise KnowledgeError(str(error)) from error


def expand_codes(items: Iterable[str]) -> Iterator[str]:
    """Department codes from codes and ranges: ["01-03", "2A"] → 01, 02, 03, 2A.

    >>> list(expand_codes(["01-03", "2a"]))
    ['01', '02', '03', '2A']
    """
    for item in items:
        value = str(item).strip().upper()
        match = _CODE_RANGE.match(value)
        if match is None:
            yield value
            continue
        start, end = match.groups()
        for number in range(int(start), int(end) + 1):
            yield str(number).zfill(len(start))


def is_official_url(url: str) -> bool:
    """An https URL on one of :data:`OFFICIAL_LINK_DOMAINS`.

    >>> is_official_url("https://www.ameli.fr/assure")
    True
    >>> is_official_url("https://ameli.fr.example.com"), is_official_url("http://www.msa.fr")
    (False, False)
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(
        host == domain or host.endswith("." + domain) for domain in OFFICIAL_LINK_DOMAINS
    )


class Checker:
    """Collects every problem of the content, to report them all at once."""

    def __init__(self, source_keys: Iterable[str]) -> None:
        self.source_keys = set(source_keys)
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def snake_case(self, where: str, name: str, value: str) -> None:
        if not SNAKE_CASE.match(value):
            self.error(where, f"'{name}' must be snake_case")

    def text(self, where: str, record: Mapping[str, Any], name: str) -> str:
        value = record.get(name)
        if not isinstance(value, str) or not value.strip():
            self.error(where, f"'{name}' must be a non-empty text")
            return ""
        return " ".join(value.split())

    def optional_text(self, where: str, record: Mapping[str, Any], name: str) -> str | None:
        if name not in record:
            self.error(where, f"'{name}' is missing (null when unknown)")
            return None
        if record[name] is None:
            return None
        return self.text(where, record, name)

    def texts(self, where: str, record: Mapping[str, Any], name: str, *, empty: bool) -> list[str]:
        value = record.get(name)
        if not isinstance(value, list) or (not empty and not value):
            self.error(where, f"'{name}' must be a {'' if empty else 'non-empty '}list")
            return []
        found = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                self.error(where, f"'{name}' holds a value that is not a text: {item!r}")
            else:
                found.append(" ".join(item.split()))
        return found

    def optional_texts(self, where: str, record: Mapping[str, Any], name: str) -> list[str]:
        """A list that may be left out, each text once, in order."""
        found = self.texts(where, {name: record.get(name) or []}, name, empty=True)
        return list(dict.fromkeys(found))

    def items(self, where: str, record: Mapping[str, Any], name: str, what: str) -> list[Any]:
        """A list of records (``what`` completes the message when it is not a list)."""
        value = record.get(name)
        if not isinstance(value, list):
            self.error(where, f"'{name}' must be a list{what}")
            return []
        return value

    def date(self, where: str, value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.error(where, f"'checked_on' must be a date, not {value!r}")
        return dt.date.min

    def https(self, where: str, url: Any) -> str:
        if (
            not isinstance(url, str)
            or urlsplit(url).scheme != "https"
            or not urlsplit(url).hostname
        ):
            self.error(where, f"not an https URL: {url!r}")
            return ""
        return url

    def sources(self, where: str, record: Mapping[str, Any]) -> list[str]:
        keys = self.texts(where, record, "sources", empty=False)
        for key in keys:
            if key not in self.source_keys:
                self.error(where, f"unknown source '{key}'")
        return keys

    def raise_if_any(self) -> None:
        if self.errors:
            raise KnowledgeError("invalid knowledge content:\n- " + "\n- ".join(self.errors))
