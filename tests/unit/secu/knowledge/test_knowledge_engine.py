"""The process-wide engine and sessions of the knowledge base (secu.knowledge.db)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from secu.knowledge import db, models
from secu.knowledge.db import session_scope
from secu.knowledge.models import Base


def test_the_engine_is_created_lazily_once(settings_env: Path) -> None:
    assert db._state is None
    engine = db.get_engine()
    assert db.get_engine() is engine
    assert engine.url.database == str(settings_env)
    with session_scope() as found:
        assert found.execute(sa.text("SELECT 1")).scalar() == 1


def test_session_scope_commits_or_rolls_back(settings_env: Path) -> None:
    engine = db.get_engine()
    Base.metadata.create_all(engine, tables=[models.Meta.__table__])
    with session_scope() as found:
        found.add(models.Meta(key="kept", value="1"))
    with pytest.raises(RuntimeError), session_scope() as found:
        found.add(models.Meta(key="dropped", value="1"))
        found.flush()
        raise RuntimeError
    with session_scope() as found:
        assert list(found.execute(sa.select(models.Meta.key)).scalars()) == ["kept"]
