"""``python -m review``: the review site on 127.0.0.1:$REVIEW_PORT (``make review``).

    python -m review            # index what is new, then serve (and keep indexing)
    python -m review index      # one indexing run, then print what it read

Without ``REVIEW_TOKEN`` a secret is drawn for this run and printed.
"""

from __future__ import annotations

import argparse
import logging
import secrets
import sys
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url

from review.annotate import Annotator, Corpus
from review.app import Site, create_app
from review.index import Indexer
from review.schema import review_engine
from review.turns import fallback_threshold
from secu import logs
from secu.settings import PROJECT_ROOT, Settings, get_settings

HOST = "127.0.0.1"  # never another interface: the pages show what users typed
CONFIG = PROJECT_ROOT / "config.yml"


def make_indexer(settings: Settings) -> Indexer:
    engine = review_engine(settings.review_db_url)
    threshold = fallback_threshold(CONFIG)
    return Indexer(engine, settings.tracker_store_url, threshold, settings.timezone)


def _where(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m review", description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", choices=("serve", "index"), default="serve")
    args = parser.parse_args(argv)
    logs.install()  # NIRs masked in every log record
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    indexer = make_indexer(settings)
    store, index = _where(settings.tracker_store_url), _where(settings.review_db_url)
    print(f"review index: {index}, conversations from {store}")
    if args.command == "index":
        run = indexer.run()
        print(
            f"indexed {run.events} event(s) of {run.conversations} conversation(s), removed "
            f"{run.removed} conversation(s) gone from the store, in {run.seconds:.1f} s"
        )
        return 0
    token = settings.review_token or secrets.token_urlsafe(24)
    if not settings.review_token:
        print(f"REVIEW_TOKEN is not set; the token of this run: {token}")
    site = Site(
        engine=indexer.engine,
        indexer=indexer,
        annotator=Annotator(Corpus.of_project(settings.review_nlu_file)),
        token=token,
        zone=ZoneInfo(settings.timezone),
    )
    print(f"review site on http://{HOST}:{settings.review_port}/")
    print(f"annotations go to {settings.review_nlu_file}")
    sys.stdout.flush()
    create_app(site).run(HOST, settings.review_port, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
