"""Latency of the content search (``secu.knowledge.search``, the fallback's first stage):
p50/p95 over ~2,000 searches per kind of message, each in its own session as the action
does, with the NLU's intent ranking.

Builds the knowledge base as ``bench/bench_knowledge.py`` does (a temporary SQLite file,
or with ``--postgres URL`` a throw-away schema dropped at the end) and reuses its timing.
The messages are written for the bench (never the held-out sets). Prints a Markdown table.

    PYTHONPATH=. .venv/bin/python bench/bench_search.py [--calls 2000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import platform
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bench.bench_knowledge import database, in_session, measure, percentile
from secu.knowledge import search
from secu.knowledge.loader import load_report

ROOT = Path(__file__).resolve().parents[1]
RANKING = (("nlu_fallback", 0.55), ("carte_vitale", 0.25), ("contact", 0.12))
SHORT = ("c koi le nia", "cv cassée", "caisse du 33 svp", "jai perdu mon num de secu")
LONG = (
    "Bonjour, je suis arrivée du Sénégal il y a deux mois pour mon master à Lyon et je n'ai "
    "toujours pas de numéro de sécurité sociale, la fac me le demande. Comment faire ?",
    "bjr jai perdu ma carte vitale pendant les vacances au portugal et je dois voir un medecin "
    "la bas, est ce que je peux etre rembourse quand je rentre ?",
    "Mon employeur me dit que je ne suis pas déclaré alors que je travaille depuis trois mois, "
    "la pharmacie refuse ma carte, je ne sais plus quoi faire, merci de votre aide",
)
NOTHING = ("bonjour merci", "ok", "?!")
KINDS = (("short message", SHORT), ("long message (2-3 sentences)", LONG))
KINDS += (("no search term (no query sent)", NOTHING),)


def searching(session: Session, message: Any) -> object:
    return search.search(session, message, RANKING)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="timed searches per kind")
    parser.add_argument("--postgres", metavar="URL", help="bench PostgreSQL instead of SQLite")
    args = parser.parse_args()
    with database(args.postgres) as (engine, label):
        report = load_report(engine, ROOT / "data" / "knowledge", ROOT / "data" / "geo")
        print(f"Database: {label}; Python {platform.python_version()}, SQLAlchemy {sa.__version__}")
        print(f"{report.counts['search_records']} searchable records")
        print()
        print("| message | calls | p50 (ms) | p95 (ms) | max (ms) |")
        print("|---|---:|---:|---:|---:|")
        for name, messages in KINDS:
            timings = measure(in_session(engine, searching), messages, args.calls)
            p50, p95 = percentile(timings, 0.50), percentile(timings, 0.95)
            print(f"| {name} | {len(timings)} | {p50:.2f} | {p95:.2f} | {timings[-1]:.2f} |")


if __name__ == "__main__":
    main()
