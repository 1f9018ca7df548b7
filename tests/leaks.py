"""What a reader could recover from kept text: the one reading the privacy tests use to
look for a NIR in stored events, log files, database files and replies."""

from __future__ import annotations

import re
import unicodedata


def _bytes(found: re.Match[str]) -> str:
    """Escaped bytes (b'\\xc2\\xa0'), read as UTF-8 when they are, else as Latin-1."""
    data = bytes(int(byte, 16) for byte in re.findall(r"x([0-9a-fA-F]{2})", found[0]))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def flat(text: str) -> str:
    """JSON, repr and \\x escapes undone, NFKC, digits of any script in ASCII, only
    letters and digits, upper-cased: a NIR's 13-character body, however it was written,
    is a substring of this if it can be read in ``text``."""
    text = re.sub(r"\\+u([0-9a-fA-F]{4})", lambda found: chr(int(found[1], 16)), text)
    text = re.sub(r"(?:\\+x[0-9a-fA-F]{2})+", _bytes, text)
    text = re.sub(r"\\+t", "\t", text)
    text = unicodedata.normalize("NFKC", text)
    digits = (str(unicodedata.decimal(char, "")) or char for char in text)
    return "".join(char for char in digits if char.isalnum()).upper()
