"""Fixtures of the knowledge base's tests: the real content, trimmed copies of it, and
databases on SQLite (a temporary file) and, when TEST_POSTGRES_URL is set (e.g.
postgresql://postgres@127.0.0.1:5432/test), on PostgreSQL too, each database in a
throw-away schema whose tables are dropped at the end."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from secu.knowledge import db
from secu.knowledge.db import make_engine, session_scope
from secu.knowledge.loader import LoadReport, load_report
from secu.knowledge.models import Base
from secu.settings import get_settings

ROOT = Path(__file__).resolve().parents[4]
KNOWLEDGE = ROOT / "data" / "knowledge"
GEO = ROOT / "data" / "geo"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")


class Backend:
    """Hands out empty databases on one backend and drops everything it created."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.folder = folder
        self.engines: list[tuple[Engine, str | None]] = []
        self.admin = sa.create_engine(POSTGRES_URL, future=True) if name == "postgresql" else None

    def engine(self) -> Engine:
        if self.admin is None:
            engine = make_engine(f"sqlite:///{self.folder / uuid.uuid4().hex}.db")
            self.engines.append((engine, None))
            return engine
        schema = f"kb_test_{uuid.uuid4().hex[:12]}"
        with self.admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
        self.engines.append((engine, schema))
        return engine

    def close(self) -> None:
        for engine, schema in self.engines:
            Base.metadata.drop_all(engine)
            engine.dispose()
            if schema is not None and self.admin is not None:
                with self.admin.begin() as connection:
                    left = connection.execute(
                        sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = :s"),
                        {"s": schema},
                    ).scalar()
                    connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                assert left == 0, f"tables left in {schema}"
        if self.admin is not None:
            self.admin.dispose()


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if request.param == "postgresql" and not POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set")
    found = Backend(request.param, tmp_path_factory.mktemp(request.param))
    yield found
    found.close()


@pytest.fixture(scope="module")
def loaded(backend: Backend) -> tuple[Engine, LoadReport]:
    """A database with the real content, built once per backend."""
    engine = backend.engine()
    return engine, load_report(engine, KNOWLEDGE, GEO)


@pytest.fixture
def session(loaded: tuple[Engine, LoadReport]) -> Iterator[Session]:
    with session_scope(loaded[0]) as found:
        yield found


@pytest.fixture(scope="module")
def small_geo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The COG files with only the first communes (reading them all is not the point)."""
    folder = tmp_path_factory.mktemp("geo")
    for name in ("departments.csv", "collectivities.csv", "countries.csv"):
        shutil.copy(GEO / name, folder / name)
    lines = (GEO / "communes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "communes.csv").write_text("".join(lines[:500]), encoding="utf-8")
    return folder


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A copy of the content files that a test may change."""
    folder = tmp_path / "knowledge"
    folder.mkdir()
    shutil.copytree(KNOWLEDGE, folder, dirs_exist_ok=True)
    return folder


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """DATABASE_URL pointing to a temporary SQLite file, for the process-wide engine."""
    path = tmp_path / "settings.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    db.reset_engine()
    yield path
    db.reset_engine()
    monkeypatch.undo()
    get_settings.cache_clear()
