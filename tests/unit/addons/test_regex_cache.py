"""Long patterns compiled once per installation: the pattern a later process gets from the
cache is the very one Python compiles (``re.Pattern`` equality compares the bytecode),
and a missing, broken or unwritable cache only costs the compile time."""

from __future__ import annotations

import os
import re
import sre_compile
import subprocess
import sys
from pathlib import Path

import pytest

from addons import regex_cache
from addons.regex_cache import MIN_LENGTH, cache_key, compile_cached

ROOT = Path(__file__).resolve().parents[3]

WORDS = [f"mot{i}-compos[eé]{i % 7}" for i in range(12_000)]
LONG = "(?iu)(?:" + "|".join(f"^{word}$" for word in WORDS) + r")|(?P<nombre>\d+)"


def test_the_test_pattern_is_long_enough_to_be_cached() -> None:
    assert len(LONG) >= MIN_LENGTH


def test_a_cached_pattern_is_the_compiled_one(tmp_path: Path) -> None:
    first = compile_cached(LONG, 0, tmp_path)
    assert len(list(tmp_path.iterdir())) == 1
    second = compile_cached(LONG, 0, tmp_path)
    fresh = sre_compile.compile(LONG, 0)
    assert first == fresh and second == fresh  # same flags, pattern and bytecode
    assert second.groupindex == fresh.groupindex == {"nombre": 1}
    assert second.match("MOT42-COMPOSE0") and not second.match("mot42-composé1")
    assert second.match("12345").group("nombre") == "12345"


def test_the_second_compile_does_not_parse_again(tmp_path: Path, monkeypatch) -> None:
    compile_cached(LONG, 0, tmp_path)
    parsed = []
    monkeypatch.setattr(regex_cache, "_compile_parts", lambda *a: parsed.append(a))
    assert compile_cached(LONG, 0, tmp_path) == sre_compile.compile(LONG, 0)
    assert parsed == []


def test_flags_and_patterns_have_their_own_files(tmp_path: Path) -> None:
    compile_cached(LONG, 0, tmp_path)
    compile_cached(LONG, re.IGNORECASE, tmp_path)
    compile_cached(LONG + "|x", 0, tmp_path)
    assert len(list(tmp_path.iterdir())) == 3
    assert cache_key(LONG, 0) != cache_key(LONG, re.IGNORECASE)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"not json\n" + data,
        lambda data: data.split(b"\n", 1)[0] + b"\n" + b"\xff" * len(data.split(b"\n", 1)[1]),
    ],
)
def test_a_broken_cache_file_is_compiled_again_and_replaced(tmp_path: Path, damage) -> None:
    compile_cached(LONG, 0, tmp_path)
    (path,) = tmp_path.iterdir()
    path.write_bytes(damage(path.read_bytes()))
    assert compile_cached(LONG, 0, tmp_path) == sre_compile.compile(LONG, 0)
    assert compile_cached(LONG, 0, tmp_path) == sre_compile.compile(LONG, 0)


def test_an_unwritable_cache_only_costs_the_compile(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    assert compile_cached(LONG, 0, blocked / "cache") == sre_compile.compile(LONG, 0)


def test_short_patterns_are_left_to_re(tmp_path: Path) -> None:
    assert compile_cached("^a+$", 0, tmp_path).match("aaa")
    assert list(tmp_path.iterdir()) == []


def test_spacy_french_tokenizer_gets_its_own_pattern_from_the_cache(tmp_path: Path) -> None:
    """In a fresh interpreter (spaCy's French module compiles its pattern on import): the
    second process reads the cache and its tokenizer pattern is the compiled one."""
    probe = f"""
import sre_compile, sys
from pathlib import Path
from addons import regex_cache
regex_cache.CACHE_DIR = Path({str(tmp_path)!r})
regex_cache.install()
from spacy.lang.fr.tokenizer_exceptions import TOKEN_MATCH
pattern = TOKEN_MATCH.__self__
if sys.argv[1] == "check":
    assert pattern == regex_cache._ORIGINAL_COMPILE(pattern.pattern, 0)
import spacy
tokens = [t.text for t in spacy.blank("fr")("aujourd'hui peut-être à Saint-Étienne, t'inquiète")]
print(len(list(Path({str(tmp_path)!r}).iterdir())), "|".join(tokens))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outputs = []
    for step in ("fill", "check"):
        done = subprocess.run(
            [sys.executable, "-c", probe, step], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[1].startswith("1 ")
    assert "aujourd'hui|peut-être|à|Saint-Étienne|," in outputs[1]
