"""The content search (secu.knowledge.search, read_search, words) over the real content, on
SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL (fixtures in conftest.py): what a
person typing a long, unclear message would be offered."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from secu.knowledge import search
from secu.knowledge.checks import KnowledgeError
from secu.knowledge.loader import LoadReport, content_hash, load_report, read_content
from secu.knowledge.models import SearchRecord
from secu.knowledge.words import load_analyzer
from secu.text import read_merged

ROOT = Path(__file__).resolve().parents[4]
KNOWLEDGE = ROOT / "data" / "knowledge"
NIR = "1 85 05 78 006 084 36"


def offered(session: Session, message: str, ranking=()) -> list[str]:
    return [found.key for found in search.search(session, message, ranking)]


def topics(session: Session, message: str, ranking=()) -> list[str]:
    return [found.topic for found in search.search(session, message, ranking)]


def test_the_python_sqlite_has_fts5() -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
    connection.close()


def test_every_procedure_term_and_body_is_searchable(
    session: Session, loaded: tuple[Engine, LoadReport]
) -> None:
    keys = set(session.execute(sa.select(SearchRecord.key)).scalars())
    procedures = read_merged(KNOWLEDGE, "procedures")["procedures"]
    terms = yaml.safe_load((KNOWLEDGE / "glossary.yml").read_text(encoding="utf-8"))["terms"]
    # The MSA, the CNMSS and the ENIM are searched with the procedure of the status they
    # serve, the CFE and the CLEISS with their term: the same answer, one button.
    assert {f"procedure:{p['id']}" for p in procedures} <= keys
    assert {f"term:{key}" for key in terms} <= keys
    assert {"organism:assurance_maladie", "organism:cssm", "local_body:33"} <= keys
    assert "local_body:976" not in keys  # Mayotte's caisse is the CSSM's record
    assert loaded[1].counts["search_records"] == len(keys)
    payloads = list(session.execute(sa.select(SearchRecord.payload)).scalars())
    assert len(payloads) == len(set(payloads))


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "bjr jai perdu ma cv au portugal pendant les vacances comment je fais",
            "carte_vitale_lost_abroad",
        ),
        ("ma fille vient de naitre, comment la rajouter sur ma carte", "children_newborn"),
        ("c koi un nia", "nia"),
        (
            "personne ne décroche au téléphone, ça sonne dans le vide",
            "human_handoff_line_saturated",
        ),
        (
            "on me demande encore une fois mon acte de naissance alors que je l'ai envoyé",
            "born_abroad_document_again",
        ),
        ("mon nom est mal orthographié sur ma carte vitale", "correct_error_born_in_france"),
        ("je pars m'installer au Canada pour le travail, et ma sécu ?", "expatriate_expat"),
        ("je reviens en France après 5 ans en Allemagne", "return_from_europe"),
        ("ma carte vitale est cassée la pharmacie arrive pas a la lire", "carte_vitale_broken"),
        ("je déménage dans un autre département, je fais quoi pour la secu", "moving_declare"),
        ("les 2 derniers chiffres de mon numero ils servent a quoi", "cle"),
        ("je suis auto entrepreneur c'est quelle caisse", "self_employed"),
    ],
)
def test_a_message_the_nlu_missed_finds_its_record(
    session: Session, message: str, expected: str
) -> None:
    found = offered(session, message)
    assert any(key.split(":")[1] == expected for key in found), found
    assert len(found) <= 3


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        (
            "Bonjour, je suis arrivée du Sénégal il y a deux mois pour mon master à Lyon et je "
            "n'ai pas encore de numéro de sécurité sociale. Comment faire ?",
            "born_abroad",
        ),
        ("je bosse au luxembourg mais j'habite a metz", "cross_border"),
        ("je suis sans papiers et malade, je peux me faire soigner ?", "health_aid"),
        ("tu sers a quoi exactement", "help"),
    ],
)
def test_a_long_or_vague_message_finds_its_topic(
    session: Session, message: str, topic: str
) -> None:
    assert topic in topics(session, message)


def test_one_record_per_topic_best_first(session: Session) -> None:
    found = search.search(session, "j'ai perdu ma carte vitale et ma carte européenne en vacances")
    assert len({f.topic for f in found}) == len(found) > 1
    assert [f.score for f in found] == sorted((f.score for f in found), reverse=True)


def test_the_nlu_ranking_lifts_its_topics(session: Session) -> None:
    message = "j'ai un souci avec mon enfant et sa carte"
    assert topics(session, message)[:2] == ["children", "carte_vitale"]
    ranking = (("nlu_fallback", 0.5), ("carte_vitale", 0.4), ("greet", 0.2))
    assert topics(session, message, ranking)[:2] == ["carte_vitale", "children"]


def test_a_caisse_is_offered_only_when_the_nlu_thinks_of_a_contact(session: Session) -> None:
    message = "c'est trop cher pour moi"
    assert "local_body:18" not in offered(session, message)  # the Cher
    ranking = (("nlu_fallback", 0.5), ("contact", 0.3), ("ask_cost", 0.2))
    assert offered(session, "la caisse du Cher", ranking)[0] == "local_body:18"


@pytest.mark.parametrize(
    "message",
    ["", "bonjour merci", "ok", NIR, "06 12 34 56 78", "?!…", "2A 75011 33"],
)
def test_nothing_is_offered_for_words_that_say_nothing(session: Session, message: str) -> None:
    assert search.search(session, message) == []


@pytest.mark.parametrize(
    "message",
    ['carte "vitale', "NOT carte OR vitale AND", "carte* (vitale) ^nia", "cle:nia - -", "a'b'c"],
)
def test_query_syntax_typed_by_a_user_is_only_words(session: Session, message: str) -> None:
    search.search(session, message)  # no syntax error from FTS5 or tsquery


def test_no_number_of_the_message_reaches_the_database(
    session: Session, loaded: tuple[Engine, LoadReport]
) -> None:
    sent: list[str] = []

    def spy(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append(f"{statement} {parameters}")

    engine = loaded[0]
    sa.event.listen(engine, "before_cursor_execute", spy)
    try:
        found = offered(session, f"mon numero {NIR} est faux, et ma carte vitale 06 12 34 56 78")
    finally:
        sa.event.remove(engine, "before_cursor_execute", spy)
    assert found and sent
    assert not any(re.search(r"\b(?:85|006|084|36|06|12|34|56|78)\b", line) for line in sent)


def test_the_search_words_are_part_of_the_content_hash(knowledge: Path, small_geo: Path) -> None:
    before = content_hash(knowledge, small_geo)
    words = knowledge / "search.yml"
    words.write_text(words.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert content_hash(knowledge, small_geo) != before


def test_a_broken_words_file_is_reported(knowledge: Path, small_geo: Path) -> None:
    (knowledge / "search.yml").write_text("stop_words: nope\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"search\.yml"):
        read_content(knowledge, small_geo)


def test_questions_added_to_a_record_are_searched(
    knowledge: Path, small_geo: Path, backend
) -> None:
    path = knowledge / "glossary.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["terms"]["sandia"]["questions"] = ["qui fabrique les zorglubs"]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    engine = backend.engine()
    load_report(engine, knowledge, small_geo)
    with Session(engine) as session:
        assert offered(session, "les zorglubs") == ["term:sandia"]


def test_words_are_folded_stemmed_and_spelled_out() -> None:
    analyzer = load_analyzer(KNOWLEDGE)
    assert analyzer.terms("Cartes Vitales PERDUES") == analyzer.terms("carte vitale perdue")
    assert analyzer.terms("ma cv") == analyzer.terms("carte vitale")
    assert analyzer.terms("je suis née à l'étranger") == analyzer.terms("nee a l etrangere")
    assert analyzer.terms("mon numéro de sécu") == analyzer.terms("numero securite sociale")
