"""The README's list of the files a new topic needs cannot drift from what the topics
really use: every topic answered from the knowledge base appears in each listed file,
and a file that every such topic appears in is on the list."""

from __future__ import annotations

import re
from pathlib import Path

from secu.text import read_merged

ROOT = Path(__file__).resolve().parents[2]
# Where a topic can be written down (code and unit tests name topics as examples only).
CONTENT = ("data", "docs", "tests/conversations", "tests/nlu")


def listed_files() -> list[str]:
    """The paths of the README's "A new topic" list."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("- **A new topic**", 1)[1].split("\n- **", 1)[0]
    return re.findall(r"^\s+- `([^`]+)`", block, flags=re.MULTILINE)


def topics() -> list[str]:
    return sorted(read_merged(ROOT / "data" / "knowledge", "situations")["topics"])


def mentions(path: Path, topic: str) -> bool:
    files = sorted(path.rglob("*.y*ml")) if path.is_dir() else [path]
    word = re.compile(rf"\b{re.escape(topic)}\b")
    return any(word.search(f.read_text(encoding="utf-8")) for f in files)


def content_files() -> list[Path]:
    found = [ROOT / "domain.yml"]
    for folder in CONTENT:
        found += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".yml", ".md")]
    return found


def test_the_list_names_real_files() -> None:
    files = listed_files()
    assert len(files) >= 8
    for name in files:
        assert (ROOT / name).exists(), name


def test_every_topic_is_in_every_listed_file() -> None:
    for name in listed_files():
        for topic in topics():
            assert mentions(ROOT / name, topic), f"{topic} is not in {name}"


def test_a_file_every_topic_needs_is_on_the_list() -> None:
    listed = {ROOT / name for name in listed_files()}
    for path in content_files():
        if all(mentions(path, topic) for topic in topics()):
            covered = path in listed or any(folder in path.parents for folder in listed)
            assert covered, f"every topic is in {path.relative_to(ROOT)}: add it to the README"
