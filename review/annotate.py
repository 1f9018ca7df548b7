"""Adding a reviewed message to the training data, with the intent (and entities) a person
gave it: appended to ``REVIEW_NLU_FILE`` (``data/nlu/review.yml``) in Rasa's NLU format,
which ``make train`` picks up (its fingerprint covers ``data/nlu``).

An example is refused (a :class:`Refusal`, whose reason the page words in French) when:

- it is empty, or its entity markup is broken or names an entity the domain lacks;
- its intent is not one of ``domain.yml``;
- it still holds something personal: a NIR-shaped number, a phone number (any long run
  of digits) or what a mask left ("•"): the review site shows masked texts, which are
  no training examples;
- its text, without entity markup, folded (case, accents, punctuation: ``secu.text.fold``)
  is already a training example (``data/nlu/**/*.yml``, the file written here included)
  or an example of a held-out set (``tests/nlu``, ``tests/nlu_real``, ``tests/nlu_en``).
  The held-out sets are only compared with: their texts are kept as hashes, never shown.

>>> plain_text('je vis a [Lyon](city) et je suis [étudiante]{"entity": "status"}')
'je vis a Lyon et je suis étudiante'
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from review.masking import still_identifying
from review.stats import folded
from secu.settings import PROJECT_ROOT
from secu.text import ContentError, fold, read_yaml

# Rasa's entity markup: [text](entity), [text](entity:value) or [text]{"entity": …}.
_MARKUP = re.compile(r"\[([^\]\n]+)\](?:\(([^)\n]*)\)|\{([^}\n]*)\})")
_LEFTOVER = re.compile(r"\]\(|\]\{")  # markup the pattern did not take: broken
_SPACES = re.compile(r"\s+")
HEADER = 'version: "3.1"\nnlu:\n'
HELD_OUT = ("tests/nlu", "tests/nlu_real", "tests/nlu_en")


@dataclass(frozen=True)
class Corpus:
    """Where the domain, the training data and the held-out sets are, and the file the
    annotations go to."""

    domain: Path
    training: tuple[Path, ...]
    held_out: tuple[Path, ...]
    target: Path

    @classmethod
    def of_project(cls, target: Path, root: Path = PROJECT_ROOT) -> Corpus:
        return cls(
            domain=root / "domain.yml",
            training=(root / "data" / "nlu", target),
            held_out=tuple(root / folder for folder in HELD_OUT),
            target=target,
        )


@dataclass(frozen=True)
class Refusal:
    """Why an example was refused: ``reason`` a word the page turns into French."""

    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Added:
    intent: str
    example: str
    path: Path


def plain_text(example: str) -> str:
    """The example without its entity markup."""
    return _MARKUP.sub(lambda found: found.group(1), example)


def suggested_example(text: str, entities: Iterable[dict[str, Any]]) -> str:
    """The message with the entities the model found written in Rasa's markup, where
    their span is still the text's (masking may have moved it); the NIR's left out.

    >>> suggested_example("je vis a Lyon", [{"entity": "city", "value": "Lyon", "start": 9,
    ...                                       "end": 13, "span": "Lyon"}])
    'je vis a [Lyon](city)'
    >>> suggested_example("etudiante", [{"entity": "status", "value": "etudiant", "start": 0,
    ...                                   "end": 9, "span": "etudiante"}])
    '[etudiante]{"entity": "status", "value": "etudiant"}'
    """
    marked = text
    placed = sorted(
        (e for e in entities if _fits(text, e) and e.get("entity") != "nir"),
        key=lambda e: e["start"],
        reverse=True,
    )
    end_of_next = len(text) + 1
    for entity in placed:
        start, end = entity["start"], entity["end"]
        if end > end_of_next:
            continue  # overlaps the one after it
        span, name, value = text[start:end], entity["entity"], entity.get("value")
        if fold(str(value)) == fold(span):
            markup = f"[{span}]({name})"
        else:
            described = json.dumps({"entity": name, "value": value}, ensure_ascii=False)
            markup = f"[{span}]{described}"
        marked = marked[:start] + markup + marked[end:]
        end_of_next = start
    return marked


def _fits(text: str, entity: dict[str, Any]) -> bool:
    start, end, span = entity.get("start"), entity.get("end"), entity.get("span")
    return isinstance(start, int) and isinstance(end, int) and span and text[start:end] == span


def example_key(example: str) -> str:
    """What two examples share when they are the same text."""
    return folded(plain_text(example))


def _hashed(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def clean(example: str) -> str:
    """One line, single spaces, no control character: safe in a YAML literal block."""
    printable = "".join(ch if ch.isprintable() else " " for ch in example.replace("\ufeff", ""))
    return _SPACES.sub(" ", printable).strip()


def examples_in(path: Path) -> Iterator[str]:
    """The intent examples of a Rasa NLU YAML file (``examples: |`` or a list of texts)."""
    for item in read_yaml(path).get("nlu") or []:
        if not isinstance(item, dict) or "intent" not in item:
            continue
        examples = item.get("examples")
        if isinstance(examples, str):
            for line in examples.splitlines():
                if line.strip().startswith("- "):
                    yield line.strip()[2:]
        elif isinstance(examples, list):
            yield from (str(e.get("text")) for e in examples if isinstance(e, dict))


def nlu_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files of folders (all their depth) and files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml"))
        elif path.is_file() and path not in found:
            found.append(path)
    return found


class _Keys:
    """The example keys of files, read again only when a file changed."""

    def __init__(self, hashed: bool) -> None:
        self.hashed = hashed
        self._files: dict[Path, tuple[tuple[int, int], set[str]]] = {}

    def of(self, path: Path) -> set[str]:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
        cached = self._files.get(path)
        if cached is None or cached[0] != version:
            keys = {example_key(text) for text in examples_in(path)}
            cached = (version, {_hashed(k) for k in keys} if self.hashed else keys)
            self._files[path] = cached
        return cached[1]

    def find(self, paths: Iterable[Path], key: str) -> Path | None:
        wanted = _hashed(key) if self.hashed else key
        return next((path for path in nlu_files(paths) if wanted in self.of(path)), None)


class Annotator:
    """Checks and appends annotated examples to the corpus's target file."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._training = _Keys(hashed=False)
        self._held_out = _Keys(hashed=True)
        self._lock = threading.Lock()

    def domain(self) -> tuple[list[str], list[str]]:
        """The domain's intents and entities, in alphabetical order."""
        raw = read_yaml(self.corpus.domain)
        return _names(raw.get("intents")), _names(raw.get("entities"))

    def check(self, intent: str, example: str) -> Refusal | None:
        """Why ``example`` cannot be added to ``intent``, or None."""
        text = plain_text(example)
        if not any(char.isalnum() for char in text):
            return Refusal("empty")
        personal = still_identifying(text)
        if personal:
            return Refusal(personal)
        intents, entities = self.domain()
        if intent not in intents:
            return Refusal("unknown_intent", intent)
        broken = _markup_problem(example, set(entities))
        if broken is not None:
            return broken
        found = self._training.find(self.corpus.training, example_key(example))
        if found is not None:
            return Refusal("training", _shown(found))
        if self._held_out.find(self.corpus.held_out, example_key(example)) is not None:
            return Refusal("held_out")
        return None

    def add(self, intent: str, example: str) -> Added | Refusal:
        """Appends the example when nothing refuses it (one at a time)."""
        example = clean(example)
        with self._lock:
            refused = self.check(intent, example)
            if refused is not None:
                return refused
            _append(self.corpus.target, intent, example)
        return Added(intent, example, self.corpus.target)


def _names(items: Any) -> list[str]:
    """The names of a domain's list (``- greet`` or ``- greet: {…}``)."""
    names = [next(iter(item)) if isinstance(item, dict) else item for item in items or []]
    return sorted(str(name) for name in names)


def _markup_problem(example: str, entities: set[str]) -> Refusal | None:
    for found in _MARKUP.finditer(example):
        name = found.group(2).split(":", 1)[0].strip() if found.group(2) is not None else None
        if name is None:
            try:
                described = json.loads("{" + found.group(3) + "}")
            except ValueError:
                return Refusal("markup", found.group(0))
            name = described.get("entity") if isinstance(described, dict) else None
        if not isinstance(name, str) or name not in entities:
            return Refusal("unknown_entity", str(name or found.group(0)))
    if _LEFTOVER.search(plain_text(example)):
        return Refusal("markup", example)
    return None


def _shown(path: Path) -> str:
    """A file's path as the page shows it (relative to the project when inside it)."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return path.name


def _append(target: Path, intent: str, example: str) -> None:
    """Appends one example as its own ``- intent:`` block; the file is read back and put
    back as it was if the example is not there (a hand edit that ends it otherwise)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    before = target.read_bytes() if target.exists() else b""
    block = f"- intent: {intent}\n  examples: |\n    - {example}\n"
    prefix = "" if before.strip() else HEADER
    if before.strip() and not before.endswith(b"\n"):
        prefix = "\n"
    with target.open("ab" if before.strip() else "wb") as handle:
        handle.write((prefix + block).encode("utf-8"))
    try:
        written = example in examples_in(target)
    except ContentError:
        written = False
    if not written:
        target.write_bytes(before)
        raise ContentError(f"{target.name}: the example could not be appended")
