"""The loader in a database: built once, idempotent, in one transaction; the command line
and the once-per-process load of the action server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from secu.knowledge import loader, models
from secu.knowledge import queries as q
from secu.knowledge.db import session_scope
from secu.knowledge.loader import KnowledgeError, load, load_report
from secu.status import STATUSES

ROOT = Path(__file__).resolve().parents[4]
KNOWLEDGE = ROOT / "data" / "knowledge"
GEO = ROOT / "data" / "geo"

if TYPE_CHECKING:
    from conftest import Backend


def count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def summary_of(engine: Engine, procedure_id: str) -> str:
    with session_scope(engine) as found:
        info = q.procedure(found, procedure_id)
        assert info is not None
        return info.summary


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_first_load_builds_everything(loaded: tuple[Engine, loader.LoadReport]) -> None:
    engine, report = loaded
    assert report.built
    assert report.counts["local_bodies"] == count(engine, models.LocalBody) == 101
    assert report.counts["departments"] == count(engine, models.Department) == 101
    assert report.counts["procedures"] == count(engine, models.Procedure) >= 22
    assert report.counts["status_rules"] == count(engine, models.StatusRule) == len(STATUSES)
    assert report.counts["phones"] == count(engine, models.Phone) == 4
    assert report.counts["organisms"] == 7
    assert count(engine, models.Organism) == 7 + 100  # + the CPAMs and CGSSs (976 is the CSSM)
    # The communes are the in-memory geography's alone (secu.geo.geography).
    assert "communes" not in report.counts
    assert not sa.inspect(engine).has_table("kb_commune")


def test_second_load_is_a_fast_no_op_with_the_same_counts(
    loaded: tuple[Engine, loader.LoadReport],
) -> None:
    engine, first = loaded
    started = time.perf_counter()
    assert load(engine, KNOWLEDGE, GEO) is False
    assert time.perf_counter() - started < 0.5
    again = load_report(engine, KNOWLEDGE, GEO)
    assert not again.built
    assert again.counts == first.counts
    assert again.content_hash == first.content_hash
    assert count(engine, models.LocalBody) == first.counts["local_bodies"]


def test_a_changed_file_triggers_a_rebuild(
    backend: Backend, knowledge: Path, small_geo: Path
) -> None:
    engine = backend.engine()
    first = load_report(engine, knowledge, small_geo)
    assert first.built
    os.utime(knowledge / "procedures" / "book_appointment.yml")  # touched: still up to date
    assert load(engine, knowledge, small_geo) is False
    replace_in(
        knowledge / "procedures" / "book_appointment.yml",
        "Prenez rendez-vous depuis",
        "Réservez depuis",
    )
    second = load_report(engine, knowledge, small_geo)
    assert second.built
    assert second.counts == first.counts
    assert summary_of(engine, "book_appointment").startswith("Réservez depuis")
    assert load(engine, knowledge, small_geo) is False


def test_the_communes_file_is_not_part_of_the_knowledge_base(
    backend: Backend, small_geo: Path, tmp_path: Path
) -> None:
    """The hash covers the departments, not communes.csv (the database holds no commune)."""
    geo = tmp_path / "geo"
    shutil.copytree(small_geo, geo)
    engine = backend.engine()
    assert load(engine, KNOWLEDGE, geo)
    with (geo / "communes.csv").open("a", encoding="utf-8") as handle:
        handle.write("99999,COM,Atlantide,33,\n")
    assert load(engine, KNOWLEDGE, geo) is False
    replace_in(geo / "departments.csv", "Gironde", "Gironde ")
    assert load(engine, KNOWLEDGE, geo)


def test_a_new_loader_version_triggers_a_rebuild(
    backend: Backend, small_geo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = backend.engine()
    assert load(engine, KNOWLEDGE, small_geo)
    monkeypatch.setattr(loader, "LOADER_VERSION", loader.LOADER_VERSION + 1)
    assert load(engine, KNOWLEDGE, small_geo)
    assert load(engine, KNOWLEDGE, small_geo) is False


def test_a_rebuild_drops_the_communes_table_of_an_earlier_loader(
    backend: Backend, small_geo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kb_commune points at kb_department: left in place, it would stop the rebuild."""
    engine = backend.engine()
    assert load(engine, KNOWLEDGE, small_geo)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "CREATE TABLE kb_commune (code VARCHAR(5) PRIMARY KEY, department_code"
                " VARCHAR(3) NOT NULL REFERENCES kb_department (code))"
            )
        )
        connection.execute(sa.text("INSERT INTO kb_commune VALUES ('33063', '33')"))
    monkeypatch.setattr(loader, "LOADER_VERSION", loader.LOADER_VERSION + 1)
    assert load(engine, KNOWLEDGE, small_geo)
    assert not sa.inspect(engine).has_table("kb_commune")
    assert count(engine, models.Department) == 101


def test_a_failed_rebuild_leaves_the_previous_content_untouched(
    backend: Backend, knowledge: Path, small_geo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = backend.engine()
    first = load_report(engine, knowledge, small_geo)
    before = summary_of(engine, "book_appointment")
    replace_in(
        knowledge / "procedures" / "book_appointment.yml",
        "Prenez rendez-vous depuis",
        "Réservez depuis",
    )
    real_read = loader.read_content

    def read_then_break(*args: Any) -> loader.Content:
        content = real_read(*args)
        last = content.rows[models.StatusRuleSource.__tablename__]
        last.append(dict(last[0]))  # a duplicate key: the last insert fails
        return content

    monkeypatch.setattr(loader, "read_content", read_then_break)
    with pytest.raises(sa.exc.IntegrityError):
        load(engine, knowledge, small_geo)
    # Tables were dropped and created again inside the transaction: all rolled back.
    assert summary_of(engine, "book_appointment") == before
    assert count(engine, models.StatusRule) == first.counts["status_rules"]
    monkeypatch.setattr(loader, "read_content", real_read)
    assert load(engine, knowledge, small_geo)
    assert summary_of(engine, "book_appointment").startswith("Réservez depuis")


def test_invalid_content_is_rejected_before_the_database_is_touched(
    backend: Backend, knowledge: Path, small_geo: Path
) -> None:
    engine = backend.engine()
    first = load_report(engine, knowledge, small_geo)
    replace_in(knowledge / "statuses.yml", "procedure: sailor", "procedure: fisherman")
    with pytest.raises(KnowledgeError, match="unknown procedure 'fisherman'"):
        load(engine, knowledge, small_geo)
    with session_scope(engine) as found:
        status = q.organism_for_status(found, "marin")
        assert status is not None and status.procedure_id == "sailor"
    assert count(engine, models.Procedure) == first.counts["procedures"]


def test_concurrent_loads_build_once(backend: Backend, small_geo: Path) -> None:
    engine = backend.engine()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: load(engine, KNOWLEDGE, small_geo), range(2)))
    assert sorted(results) == [False, True]
    assert count(engine, models.LocalBody) == 101


# -- once per process, command line ---------------------------------------------------------


def test_ensure_loaded_loads_once_per_process(settings_env: Path) -> None:
    assert loader.ensure_loaded() is True
    assert loader.ensure_loaded() is False
    with session_scope() as found:
        assert q.contact_for_department(found, "33") is not None


def run_python(code: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, *code], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_importing_the_package_connects_nowhere_and_needs_no_rasa() -> None:
    code = (
        "import sys\n"
        "import secu.knowledge.db as db, secu.knowledge.loader, secu.knowledge.queries\n"
        "assert db._state is None\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk')]\n"
    )
    done = run_python(["-c", code], {"DATABASE_URL": "nosuchdialect://nowhere"})
    assert done.returncode == 0, done.stderr


def test_the_command_line_builds_then_reports_up_to_date(tmp_path: Path, small_geo: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "GEO_DIR": str(small_geo)}
    first = run_python(["-m", "secu.knowledge.loader"], env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("knowledge base built (sqlite:///")
    assert len(first.stdout.splitlines()) == 1
    assert "101 local bodies" in first.stdout
    second = run_python(["-m", "secu.knowledge.loader"], env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("knowledge base up to date")
