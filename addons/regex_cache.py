"""Very long regular expressions compiled once per installation, not at every start.

spaCy's French tokenizer matches the hyphenated and elided words it must keep whole
(``aujourd'hui``, ``peut-être``, ``Saint-Étienne``…) with one pattern of 1.45 million
characters, built when ``spacy.lang.fr`` is imported. Python's ``re`` parses and compiles
it to its internal bytecode at every start of the Rasa server: 2.7 s of a 15 s cold start
on the 2-core reference machine, for the same result each time.

Here the compiled bytecode of a pattern longer than ``MIN_LENGTH`` is kept in a file the
first time, and the next processes hand it to the regex engine (``_sre.compile``, what
``sre_compile.compile`` ends with) instead of parsing and compiling again. The engine
validates the code it is given; the file is keyed by the pattern, its flags, the Python
version and the engine's magic number, so a different pattern, Python or spaCy misses it
and compiles as usual. The pattern object is the same as the compiled one: ``re.Pattern``
equality compares flags, pattern and bytecode, and the tests assert it for the French
pattern. A cache that cannot be read or written only costs the compile time.

``python -m addons.regex_cache`` fills the cache for spaCy's French tokenizer (``make
install`` runs it once, after the bytecode step).
"""

from __future__ import annotations

import _sre
import array
import hashlib
import json
import logging
import os
import sre_compile
import sre_constants
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

MIN_LENGTH = 100_000
"""Shorter patterns compile in milliseconds: they are not worth a file."""

CACHE_DIR = Path(sys.prefix) / "share" / "regex-cache"
"""In the virtual environment, beside the packages whose patterns it holds."""

_FORMAT = 1
_ORIGINAL_COMPILE: Callable[..., Any] = sre_compile.compile


def cache_key(pattern: str, flags: int) -> str:
    """The file name for a pattern compiled with these flags by this Python."""
    digest = hashlib.sha256()
    for part in (str(_FORMAT), sys.version, str(sre_constants.MAGIC), str(int(flags)), pattern):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _compile_parts(pattern: str, flags: int) -> tuple[int, list[int], int, dict[str, int]]:
    """What ``sre_compile.compile`` hands to the engine: flags, code, groups, names."""
    import sre_parse

    parsed = sre_parse.parse(pattern, flags)
    code = sre_compile._code(parsed, flags)  # type: ignore[attr-defined]
    return flags | parsed.state.flags, code, parsed.state.groups - 1, dict(parsed.state.groupdict)


def _engine_pattern(
    pattern: str, flags: int, code: list[int], groups: int, names: dict[str, int]
) -> Any:
    index_to_name: list[str | None] = [None] * (groups + 1)
    for name, index in names.items():
        index_to_name[index] = name
    return _sre.compile(pattern, flags, code, groups, names, tuple(index_to_name))


def _read(path: Path, pattern: str) -> Any | None:
    try:
        with path.open("rb") as file:
            header = json.loads(file.readline())
            code = array.array("I")
            code.frombytes(file.read())
    except (OSError, ValueError):
        return None
    if header.get("length") != len(pattern) or len(code) != header.get("code_length"):
        return None
    try:
        return _engine_pattern(
            pattern, header["flags"], code.tolist(), header["groups"], header["names"]
        )
    except (KeyError, TypeError, RuntimeError, ValueError):  # not valid code for the engine
        return None


def _write(path: Path, pattern: str, parts: tuple[int, list[int], int, dict[str, int]]) -> None:
    flags, code, groups, names = parts
    header = {
        "length": len(pattern),
        "flags": flags,
        "groups": groups,
        "names": names,
        "code_length": len(code),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as file:
            file.write(json.dumps(header).encode() + b"\n")
            file.write(array.array("I", code).tobytes())
        os.chmod(file.name, 0o644)
        os.replace(file.name, path)  # readers see the whole file or none
    except OSError as error:
        logger.debug("regex cache not written (%s): compiled at each start", error)


def compile_cached(pattern: Any, flags: int = 0, cache_dir: Path | None = None) -> Any:
    """``sre_compile.compile``, with the bytecode of long string patterns kept on disk."""
    long_text = isinstance(pattern, str) and len(pattern) >= MIN_LENGTH
    if not long_text or flags & sre_constants.SRE_FLAG_DEBUG:
        return _ORIGINAL_COMPILE(pattern, flags)
    path = (cache_dir or CACHE_DIR) / cache_key(pattern, flags)
    compiled = _read(path, pattern)
    if compiled is not None:
        return compiled
    parts = _compile_parts(pattern, flags)
    compiled = _engine_pattern(pattern, *parts)
    _write(path, pattern, parts)
    return compiled


def install() -> None:
    """Every compile of the process goes through the cache (``re`` calls
    ``sre_compile.compile`` for each pattern not in its own in-memory cache)."""
    sre_compile.compile = compile_cached  # type: ignore[assignment]


def warm() -> int:
    """Compiles spaCy's French tokenizer patterns into the cache; the number of files."""
    install()
    import spacy.lang.fr  # noqa: F401  (its tokenizer exceptions pattern is built on import)

    return len(list(CACHE_DIR.glob("*"))) if CACHE_DIR.is_dir() else 0


if __name__ == "__main__":
    print(f"regex cache: {warm()} compiled pattern(s) in {CACHE_DIR}")
