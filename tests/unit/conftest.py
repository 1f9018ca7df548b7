"""Fixtures of the unit tests: the domain as data, a knowledge base in a temporary SQLite
file. Nothing here imports Rasa: the domain package's tests run without it; the helpers
that run actions are in tests/adapters.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    with (ROOT / "domain.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="session")
def knowledge_db(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A knowledge base built from data/knowledge in a temporary SQLite file, used by the
    actions through the settings (DATABASE_URL), as in production."""
    import os

    from secu.agenda.setup import setup as setup_agenda
    from secu.knowledge.db import get_engine, reset_engine
    from secu.knowledge.loader import load
    from secu.settings import get_settings

    url = f"sqlite:///{tmp_path_factory.mktemp('kb') / 'assistant.db'}"
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    reset_engine()
    settings = get_settings()
    load(get_engine(), settings.knowledge_dir, settings.geo_dir)
    setup_agenda(get_engine(), settings.agenda_file)
    yield url
    if previous is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = previous
    get_settings.cache_clear()
    reset_engine()


@pytest.fixture
def empty_agenda(knowledge_db: Any) -> None:
    """No booking in the agenda (the knowledge base is shared by the session)."""
    from secu.agenda.models import BookedCell, Booking
    from secu.knowledge.db import session_scope

    with session_scope() as session:
        session.query(BookedCell).delete()
        session.query(Booking).delete()
