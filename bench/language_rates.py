"""How often a message turns the conversation to each language (secu/language.py):
`python -m bench.language_rates` reads the NLU examples (data/nlu: French, data/nlu/en:
English) and the held-out sets (tests/nlu + tests/nlu_real: French, tests/nlu_en:
English) and prints, for each, the share of messages that change the conversation to
their own language and to the other one (the rest keep the conversation's language).
The figures quoted in data/knowledge/language.yml come from it; ``--show`` lists the
messages that turn to the other language.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from secu.language import ENGLISH, FRENCH, detect, get_rules  # noqa: E402

SETS = {
    "French NLU examples": (FRENCH, ["data/nlu/*.yml"]),
    "English NLU examples": (ENGLISH, ["data/nlu/en/*.yml"]),
    "French held-out": (FRENCH, ["tests/nlu/*.yml", "tests/nlu_real/*.yml"]),
    "English held-out": (ENGLISH, ["tests/nlu_en/*.yml"]),
}
_ANNOTATION = re.compile(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})")


def messages(patterns: list[str]) -> list[str]:
    """The examples of the NLU files, as typed (entity annotations taken out).

    >>> "i lost my carte vitale" in [m.lower() for m in messages(["data/nlu/en/*.yml"])]
    True
    """
    found = []
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
                for line in str(item.get("examples") or "").splitlines():
                    if line.strip().startswith("- "):
                        found.append(_ANNOTATION.sub(r"\1", line.strip()[2:]))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list the wrong turns")
    args = parser.parse_args()
    rules = get_rules()
    for name, (own, patterns) in SETS.items():
        texts = messages(patterns)
        other = ENGLISH if own == FRENCH else FRENCH
        found = [detect(text, rules) for text in texts]
        to_own = sum(language == own for language in found) / len(texts)
        to_other = sum(language == other for language in found) / len(texts)
        print(f"{name} ({len(texts)}): to {own} {to_own:.2%}, to {other} {to_other:.2%}")
        if args.show:
            for text, language in zip(texts, found, strict=True):
                if language == other:
                    print(f"    {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
