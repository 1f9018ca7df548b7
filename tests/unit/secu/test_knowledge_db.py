"""The knowledge base in a database: the loader (idempotent, one transaction) and the queries.

Every database test runs on SQLite (a temporary file) and, when TEST_POSTGRES_URL is set
(e.g. postgresql://postgres@127.0.0.1:5432/test), on PostgreSQL too, each database in a
throw-away schema whose tables are dropped at the end.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from secu.knowledge import db, loader, models
from secu.knowledge import queries as q
from secu.knowledge.db import make_engine, session_scope
from secu.knowledge.loader import KNOWLEDGE_FILES, KnowledgeError, load, load_report
from secu.knowledge.models import Base
from secu.settings import get_settings
from secu.status import STATUSES

ROOT = Path(__file__).resolve().parents[3]
KNOWLEDGE = ROOT / "data" / "knowledge"
GEO = ROOT / "data" / "geo"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
FACTS_PHONES = {"3646", "+33 1 84 90 36 46", "02 69 61 91 91", "+33 2 69 61 91 91"}
NOTE = "plusieurs caisses dans ce département : votre compte ameli indique la vôtre"


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
def loaded(backend: Backend) -> tuple[Engine, loader.LoadReport]:
    """A database with the real content, built once per backend."""
    engine = backend.engine()
    return engine, load_report(engine, KNOWLEDGE, GEO)


@pytest.fixture
def session(loaded: tuple[Engine, loader.LoadReport]) -> Iterator[Session]:
    with session_scope(loaded[0]) as found:
        yield found


@pytest.fixture(scope="module")
def small_geo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The COG files with only the first communes, for the loader's behaviour tests."""
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
    for name in KNOWLEDGE_FILES:
        shutil.copy(KNOWLEDGE / name, folder / name)
    return folder


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


# -- loader ----------------------------------------------------------------------------------


def test_first_load_builds_everything(loaded: tuple[Engine, loader.LoadReport]) -> None:
    engine, report = loaded
    assert report.built
    assert report.counts["local_bodies"] == count(engine, models.LocalBody) == 101
    assert report.counts["departments"] == count(engine, models.Department) == 101
    assert report.counts["procedures"] == count(engine, models.Procedure) >= 22
    assert report.counts["status_rules"] == count(engine, models.StatusRule) == len(STATUSES)
    assert report.counts["communes"] == count(engine, models.Commune) == 34920
    assert report.counts["phones"] == count(engine, models.Phone) == 4
    assert report.counts["organisms"] == 7
    assert count(engine, models.Organism) == 7 + 100  # + the CPAMs and CGSSs (976 is the CSSM)


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
    assert count(engine, models.Commune) == first.counts["communes"]


def test_a_changed_file_triggers_a_rebuild(
    backend: Backend, knowledge: Path, small_geo: Path
) -> None:
    engine = backend.engine()
    first = load_report(engine, knowledge, small_geo)
    assert first.built
    os.utime(knowledge / "procedures.yml")  # touched, not changed: still up to date
    assert load(engine, knowledge, small_geo) is False
    replace_in(knowledge / "procedures.yml", "Prenez rendez-vous depuis", "Réservez depuis")
    second = load_report(engine, knowledge, small_geo)
    assert second.built
    assert second.counts == first.counts
    assert summary_of(engine, "book_appointment").startswith("Réservez depuis")
    assert load(engine, knowledge, small_geo) is False


def test_a_new_loader_version_triggers_a_rebuild(
    backend: Backend, small_geo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = backend.engine()
    assert load(engine, KNOWLEDGE, small_geo)
    monkeypatch.setattr(loader, "LOADER_VERSION", loader.LOADER_VERSION + 1)
    assert load(engine, KNOWLEDGE, small_geo)
    assert load(engine, KNOWLEDGE, small_geo) is False


def test_a_failed_rebuild_leaves_the_previous_content_untouched(
    backend: Backend, knowledge: Path, small_geo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = backend.engine()
    first = load_report(engine, knowledge, small_geo)
    before = summary_of(engine, "book_appointment")
    replace_in(knowledge / "procedures.yml", "Prenez rendez-vous depuis", "Réservez depuis")
    real_read = loader.read_content

    def read_then_break(*args: Any) -> loader.Content:
        content = real_read(*args)
        communes = content.rows["kb_commune"]
        communes.append(dict(communes[0]))  # a duplicate key: the last big insert fails
        return content

    monkeypatch.setattr(loader, "read_content", read_then_break)
    with pytest.raises(sa.exc.IntegrityError):
        load(engine, knowledge, small_geo)
    # Tables were dropped and created again inside the transaction: all rolled back.
    assert summary_of(engine, "book_appointment") == before
    assert count(engine, models.Commune) == first.counts["communes"]
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


# -- local bodies ------------------------------------------------------------------------------


def department_codes() -> list[str]:
    with (GEO / "departments.csv").open(encoding="utf-8", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def test_every_department_gets_its_local_body(session: Session) -> None:
    codes = department_codes()
    metropolitan = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
    assert set(codes) == {*metropolitan, "971", "972", "973", "974", "976"}
    for code in codes:
        body = q.local_body(session, code)
        assert body is not None, code
        assert body.department.code == code
        expected_kind = {"971": "cgss", "972": "cgss", "973": "cgss", "974": "cgss"}.get(code)
        expected_kind = "cssm" if code == "976" else expected_kind or "cpam"
        assert body.organism.kind == expected_kind, code
        assert body.organism.phones, code
        assert body.note == (NOTE if code in ("59", "62") else None), code
        assert body.organism.sources and body.organism.website.startswith("https://")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("33", "CPAM de la Gironde"),
        ("69", "CPAM du Rhône"),
        ("13", "CPAM des Bouches-du-Rhône"),
        ("75", "CPAM de Paris"),
        ("01", "CPAM de l'Ain"),
        ("28", "CPAM d'Eure-et-Loir"),
        ("2A", "CPAM de la Corse-du-Sud"),
        ("2b", "CPAM de la Haute-Corse"),
        ("59", "CPAM du Nord"),
        ("971", "CGSS de la Guadeloupe"),
        ("972", "CGSS de la Martinique"),
        ("973", "CGSS de la Guyane"),
        ("974", "CGSS de La Réunion"),
        ("976", "Caisse de sécurité sociale de Mayotte"),
    ],
)
def test_local_body_names(session: Session, code: str, name: str) -> None:
    body = q.local_body(session, code)
    assert body is not None and body.name == name


@pytest.mark.parametrize("code", ["20", "975", "977", "00", "99", "abc", ""])
def test_no_local_body_for_a_code_that_is_not_a_department(session: Session, code: str) -> None:
    assert q.local_body(session, code) is None
    assert q.contact_for_department(session, code) is None


def test_only_the_facts_phone_numbers_are_in_the_database(session: Session) -> None:
    numbers = set(session.execute(sa.select(models.Phone.number)).scalars())
    assert numbers == FACTS_PHONES


# -- queries -----------------------------------------------------------------------------------


def assert_plain(value: Any) -> None:
    """Frozen dataclasses, tuples and plain values only: no ORM object, no list."""
    if dataclasses.is_dataclass(value):
        assert type(value).__dataclass_params__.frozen, type(value)
        assert type(value).__module__ == q.__name__
        for item in dataclasses.fields(value):
            assert_plain(getattr(value, item.name))
    elif isinstance(value, tuple):
        for item in value:
            assert_plain(item)
    else:
        assert value is None or isinstance(value, (str, int, float, dt.date)), type(value)


def test_procedure_is_a_complete_frozen_value(loaded: tuple[Engine, loader.LoadReport]) -> None:
    with session_scope(loaded[0]) as found:
        info = q.procedure(found, "lost_number_with_document")
    assert info is not None  # still usable once the session is closed
    assert_plain(info)
    assert info.title and info.summary and info.audience
    assert len(info.steps) >= 3 and info.steps[0].startswith("Regardez votre carte Vitale")
    assert info.links[0].url == "https://www.service-public.fr/particuliers/vosdroits/F16467"
    assert "where_number" in info.sources
    assert info.checked_on == dt.date(2026, 11, 27)
    assert info.topic == "lost_number" and info.is_default
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.title = "x"  # type: ignore[misc]


def test_procedure_keeps_the_order_of_the_file(session: Session) -> None:
    info = q.procedure(session, "born_abroad")
    assert info is not None
    assert info.steps[0].startswith("Remplissez le formulaire S1106")
    assert info.documents[0] == "Le formulaire S1106"
    assert info.sources == ("ameli_born_abroad", "css_r114_7", "css_r161_1")
    assert info.delays and "9 mois" in info.delays
    no_document = q.procedure(session, "lost_number_no_document")
    assert no_document is not None and no_document.documents == ("Une pièce d'identité",)
    app = q.procedure(session, "carte_vitale_app")
    assert app is not None and app.documents == () and app.delays is None


def test_unknown_procedure(session: Session) -> None:
    assert q.procedure(session, "nothing_here") is None


@pytest.mark.parametrize(
    ("topic", "status", "expected"),
    [
        ("born_abroad", None, "born_abroad"),
        ("born_abroad", "salarie", "born_abroad_employee"),
        ("born_abroad", "etudiant", "born_abroad_student"),
        ("born_abroad", "sans_emploi", "born_abroad_not_working"),
        ("born_abroad", "independant", "born_abroad"),
        ("organism", "independant", "self_employed"),
        ("organism", "marin", "sailor"),
        ("organism", "fonctionnaire", "civil_servant"),
        ("return_to_france", "salarie", "return_with_job"),
        ("return_to_france", "retraite", "return_with_job"),
        ("return_to_france", "sans_emploi", "return_without_job"),
        ("return_to_france", None, None),
        ("lost_number", None, "lost_number_with_document"),
        ("carte_vitale", None, "carte_vitale_lost_or_stolen"),
        ("travel_europe", "salarie", "stay_in_europe"),
        ("book_appointment", None, "book_appointment"),
        ("attestation_droits", None, "attestation_droits"),
        ("expatriate", None, None),
        ("organism", None, None),
        ("weather", None, None),
    ],
)
def test_procedure_for(
    session: Session, topic: str, status: str | None, expected: str | None
) -> None:
    info = q.procedure_for(session, topic, status)
    assert (info.id if info else None) == expected


@pytest.mark.parametrize(
    ("topic", "status", "situation", "expected"),
    [
        ("lost_number", None, "sans_document", "lost_number_no_document"),
        ("carte_vitale", None, "appli", "carte_vitale_app"),
        ("born_abroad", None, "nia", "nia_explained"),
        ("born_abroad", "salarie", "citoyen_ue", "born_abroad_eu_citizen"),
        ("expatriate", None, "detache", "expatriate_posted"),
        ("expatriate", "salarie", "expatrie", "expatriate_expat"),
        ("return_to_france", None, "reprise_immediate", "return_with_job"),
        ("return_to_france", "salarie", "sans_reprise", "return_without_job"),
        # a situation of another topic is ignored: the status, then the default, decide
        ("born_abroad", "etudiant", "detache", "born_abroad_student"),
        ("lost_number", None, "appli", "lost_number_with_document"),
        ("expatriate", None, "unknown", None),
    ],
)
def test_procedure_for_a_situation(
    session: Session, topic: str, status: str | None, situation: str, expected: str | None
) -> None:
    info = q.procedure_for(session, topic, status, situation)
    assert (info.id if info else None) == expected
    if info is not None and info.id == expected and situation in info.situations:
        assert not info.is_default


@pytest.mark.parametrize("status", STATUSES)
def test_organism_for_every_status(session: Session, status: str) -> None:
    info = q.organism_for_status(session, status)
    assert info is not None
    assert_plain(info)
    assert info.explanation and info.sources
    assert q.procedure(session, info.procedure_id) is not None
    if info.is_local:
        assert info.organism is None  # no department given
        with_department = q.organism_for_status(session, status, "33")
        assert with_department is not None and with_department.organism is not None
        assert with_department.organism.name == "CPAM de la Gironde"
    else:
        assert info.organism is not None and info.organism.kind == info.organism_kind


def test_organism_for_status_national_schemes_and_notes(session: Session) -> None:
    farmer = q.organism_for_status(session, "agriculteur", "33")
    assert farmer is not None and farmer.organism is not None
    assert (farmer.organism.short_name, farmer.organism.website) == ("MSA", "https://www.msa.fr")
    assert farmer.organism.phones == ()
    soldier = q.organism_for_status(session, "militaire")
    assert soldier is not None and soldier.organism is not None
    assert soldier.organism.short_name == "CNMSS"
    sailor = q.organism_for_status(session, "marin")
    assert sailor is not None and sailor.organism is not None
    assert sailor.organism.website == "https://www.enim.eu"
    nord = q.organism_for_status(session, "salarie", "59")
    assert nord is not None and nord.note == NOTE
    mayotte = q.organism_for_status(session, "independant", "976")
    assert mayotte is not None and mayotte.organism is not None
    assert mayotte.organism.short_name == "CSSM"
    assert q.organism_for_status(session, "astronaute") is None


@pytest.mark.parametrize(
    ("typed", "code"), [("2a", "2A"), ("1", "01"), (" 33 ", "33"), ("974", "974")]
)
def test_local_body_accepts_loose_codes(session: Session, typed: str, code: str) -> None:
    body = q.local_body(session, typed)
    assert body is not None and body.department.code == code


def test_contact_for_a_metropolitan_department(session: Session) -> None:
    contact = q.contact_for_department(session, "33")
    assert contact is not None
    assert_plain(contact)
    assert contact.organism.name == "CPAM de la Gironde"
    assert [p.display for p in contact.phones] == ["3646 (service gratuit + prix de l'appel)"]
    assert [p.number for p in contact.abroad_phones] == ["+33 1 84 90 36 46"]
    assert {"ameli_contact", "cleiss"} <= set(contact.sources)
    assert contact.department.with_preposition == "de la Gironde"


def test_contact_for_mayotte_is_the_cssm(session: Session) -> None:
    contact = q.contact_for_department(session, "976")
    assert contact is not None
    assert contact.organism.kind == "cssm"
    assert [p.number for p in contact.phones] == ["02 69 61 91 91"]
    assert [p.number for p in contact.abroad_phones] == ["+33 2 69 61 91 91"]
    phone = contact.phones[0]
    assert phone.hours is not None and "lundi au jeudi" in phone.hours
    assert phone.hours_caution and "3646" not in " ".join(p.number for p in contact.phones)
    assert contact.sources == ("cssm_mayotte",)


def test_contact_for_an_overseas_department_is_the_cgss(session: Session) -> None:
    contact = q.contact_for_department(session, "972")
    assert contact is not None
    assert contact.organism.name == "CGSS de la Martinique"
    assert contact.phones[0].number == "3646"


def test_national_phone(session: Session) -> None:
    phone = q.national_phone(session)
    assert phone is not None
    assert_plain(phone)
    assert phone.number == "3646" and not phone.from_abroad
    assert phone.price_note == "service gratuit + prix de l'appel"
    assert phone.hours == "du lundi au vendredi, de 8 h 30 à 17 h 30"
    assert phone.hours_caution and "varier selon votre caisse" in phone.hours_caution
    assert phone.hours_text and phone.hours_text.endswith(f"({phone.hours_caution})")
    assert phone.sources == ("ameli_contact",)


def test_contact_from_abroad(session: Session) -> None:
    phones = q.contact_from_abroad(session)
    assert_plain(phones)
    assert [p.number for p in phones] == ["+33 1 84 90 36 46", "+33 2 69 61 91 91"]
    assert all(p.from_abroad for p in phones)
    assert phones[0].owner_key == "assurance_maladie" and phones[0].sources == ("cleiss",)


@pytest.mark.parametrize("typed", ["Saint-Étienne", "saint etienne", "ST ETIENNE", "St-Étienne"])
def test_find_communes_ignores_case_accents_hyphens_and_st(session: Session, typed: str) -> None:
    found = q.find_communes(session, typed)
    assert [c.code for c in found] == ["42218"]
    assert found[0].name == "Saint-Étienne" and found[0].department_code == "42"


def test_find_communes_with_homonyms_and_filters(session: Session) -> None:
    codes = [c.code for c in q.find_communes(session, "st denis")]
    assert {"93066", "97411"} <= set(codes)
    assert codes == sorted(codes)
    assert [c.code for c in q.find_communes(session, "saint-denis", department_code="974")] == [
        "97411"
    ]
    assert len(q.find_communes(session, "saint denis", limit=2)) == 2
    assert [c.code for c in q.find_communes(session, "L'Haÿ-les-Roses")] == ["94038"]


def test_find_communes_knows_arrondissements_but_not_former_communes(session: Session) -> None:
    arrondissement = q.find_communes(session, "paris 15e arrondissement")
    assert [(c.code, c.type_code) for c in arrondissement] == [("75115", "ARM")]
    assert arrondissement[0].is_arrondissement
    assert arrondissement[0].display_name == "Paris 15e arrondissement"
    assert [c.code for c in q.find_communes(session, "Marseille")] == ["13055"]
    assert q.find_communes(session, "Atlantide") == ()
    assert q.find_communes(session, "  - ") == ()
    types = set(session.execute(sa.select(models.Commune.type_code).distinct()).scalars())
    assert types == {"COM", "ARM"}


def test_department(session: Session) -> None:
    corsica = q.department(session, "2a")
    assert corsica is not None and corsica.name == "Corse-du-Sud"
    assert corsica.with_preposition == "de la Corse-du-Sud"
    assert corsica.with_article == "la Corse-du-Sud"
    reunion = q.department(session, "974")
    assert reunion is not None and reunion.with_preposition == "de La Réunion"
    assert not reunion.is_metropolitan
    assert q.department(session, "975") is None


def test_source(session: Session) -> None:
    found = q.source(session, "cleiss")
    assert found is not None and found.url == "https://www.cleiss.fr"
    assert found.kind == "official" and isinstance(found.checked_on, dt.date)
    assert q.source(session, "nowhere") is None


# -- engine, sessions, command line ------------------------------------------------------------


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


def test_ensure_loaded_loads_once_per_process(settings_env: Path) -> None:
    assert loader.ensure_loaded() is True
    assert loader.ensure_loaded() is False
    with session_scope() as found:
        assert q.national_phone(found) is not None


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
