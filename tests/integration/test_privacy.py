"""Real conversations full of NIRs: the replies show them masked, and no typed number
(nor its 13-character body) reaches the tracker store or the logs."""

from __future__ import annotations

import json
import os
import re
import sqlite3

from conftest import Assistant
from sqlalchemy import create_engine, text

POSTGRES = os.environ.get("TEST_POSTGRES_URL")


def with_key(body: str) -> str:
    number = int(body.upper().replace("2A", "19").replace("2B", "18"))
    return f"{body}{97 - number % 97:02d}"


# Synthetic numbers (random order numbers), typed the ways people type them.
METRO = with_key("1850578006084")  # Yvelines, 1985
CORSICA = with_key("293032A004123")  # Ajaccio, 1993
OVERSEAS = with_key("2010197411077")  # La Réunion
ABROAD = with_key("1991299350012")  # born abroad (Maroc)
TYPED = {
    "spaces": " ".join(
        [METRO[0], METRO[1:3], METRO[3:5], METRO[5:7], METRO[7:10], METRO[10:13], METRO[13:]]
    ),
    "dots": ".".join(
        [CORSICA[0], CORSICA[1:3], CORSICA[3:5], CORSICA[5:10], CORSICA[10:13], CORSICA[13:]]
    ),
    "hyphens": "-".join(
        [OVERSEAS[0], OVERSEAS[1:3], OVERSEAS[3:5], OVERSEAS[5:10], OVERSEAS[10:13], OVERSEAS[13:]]
    ),
    "plain": ABROAD,
    "no_key": METRO[:13],
    "wrong_key": METRO[:13] + f"{(int(METRO[13:]) % 97) + 1:02d}",
    "lowercase_corsica": CORSICA.lower(),
}


def fold(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", value.upper())


def leaks(haystack: str) -> list[str]:
    folded = fold(haystack)
    return [
        name for name, typed in TYPED.items() if typed in haystack or fold(typed)[:13] in folded
    ]


def talk(assistant: Assistant) -> list[str]:
    replies: list[str] = []
    for name, typed in TYPED.items():
        conversation = assistant.conversation()
        replies.append(conversation.say(f"voici mon numero {typed}, il est bon ?"))
        if name == "plain":
            replies.append(conversation.say("tu peux verifier mon numero de secu ?"))
            replies.append(conversation.say(typed))
    return replies


def test_replies_check_and_mask_every_format(assistant: Assistant) -> None:
    conversation = assistant.conversation()
    answer = conversation.say(f"voici mon numero {TYPED['spaces']}, il est bon ?")
    assert "bien formé" in answer and "•" in answer
    assert "Yvelines" in answer and "1985" in answer
    assert "ne conserve pas" in answer
    wrong = assistant.conversation().say(f"et celui-ci {TYPED['wrong_key']} ?")
    assert "n'est pas valide" in wrong and "clé" in wrong
    corsica = assistant.conversation().say(TYPED["dots"])
    assert "Corse-du-Sud" in corsica
    abroad = assistant.conversation().say(f"mon num {TYPED['plain']} c bon ?")
    assert "Maroc" in abroad
    overseas = assistant.conversation().say(TYPED["hyphens"])
    assert "La Réunion" in overseas
    no_key = assistant.conversation().say(TYPED["no_key"])
    assert "sans sa clé" in no_key


def test_the_form_asks_for_the_number_then_checks_it(assistant: Assistant) -> None:
    conversation = assistant.conversation()
    question = conversation.say("pouvez-vous verifier mon numero de securite sociale ?")
    assert "Tapez le numéro" in question and "sans le conserver" in question
    not_a_number = conversation.say("12 rue de la paix")
    assert "pas reconnu de numéro" in not_a_number
    answer = conversation.say(TYPED["plain"])
    assert "bien formé" in answer


def test_no_typed_number_in_replies_store_or_logs(assistant: Assistant) -> None:
    replies = talk(assistant)
    assert leaks("\n".join(replies)) == []
    with sqlite3.connect(assistant.tracker_db) as db:
        rows = db.execute("SELECT data FROM events").fetchall()
    stored = "\n".join(json.dumps(json.loads(row[0]), ensure_ascii=False) for row in rows)
    assert "••" in stored  # the numbers were masked, not lost
    assert leaks(stored) == []
    logs = "\n".join(p.read_text(errors="replace") for p in assistant.log_dir.glob("*.log"))
    assert "Received user message" in logs or "user_message" in logs or len(logs) > 1000
    assert leaks(logs) == []


def test_no_typed_number_in_the_postgresql_tracker_store(postgres_assistant) -> None:
    assistant, url = postgres_assistant
    replies = talk(assistant)
    assert leaks("\n".join(replies)) == []
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT data FROM events")).fetchall()
    engine.dispose()
    stored = "\n".join(json.dumps(json.loads(row[0]), ensure_ascii=False) for row in rows)
    assert len(rows) > 20 and "••" in stored
    assert leaks(stored) == []
    logs = "\n".join(p.read_text(errors="replace") for p in assistant.log_dir.glob("*.log"))
    assert leaks(logs) == []
