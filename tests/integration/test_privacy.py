"""Real conversations full of NIRs: the replies show them masked, and no typed number
(nor its 13-character body) reaches the tracker store or the logs."""

from __future__ import annotations

import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import Assistant, query
from sqlalchemy import create_engine, text

from tests.leaks import flat

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
    rows = query(assistant.tracker_db, "SELECT data FROM events")
    stored = "\n".join(json.dumps(json.loads(row[0]), ensure_ascii=False) for row in rows)
    assert "••" in stored  # the numbers were masked, not lost
    assert leaks(stored) == []
    logs = "\n".join(p.read_text(errors="replace") for p in assistant.log_dir.glob("*.log"))
    # the logs (DEBUG) hold the messages, with the numbers masked where they were typed
    assert '"parse_data_text": "voici mon numero 1 85 05 •• ••• ••• ••, il est bon ?"' in logs
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


# -- every shape people or phones produce (issue #11 §4) --------------------------------

NBSP, NNBSP, IDEOGRAPHIC = "\u00a0", "\u202f", "\u3000"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def grouped(number: str, separator: str) -> str:
    parts = [number[0], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13]]
    return separator.join(parts) + separator + number[13:]


def shaped() -> dict[str, str]:
    """One synthetic NIR (its own body) per shape, typed that way."""
    shapes = {
        "nbsp": NBSP,
        "narrow_nbsp": NNBSP,
        "en_dash": "\u2013",
        "em_dash": "\u2014",
        "double_dash": " -- ",
        "several_spaces": "   ",
        "slash": "/",
        "underscore": "_",
        "comma": ",",
        "middle_dot": "\u00b7",
        "tab": "\t",
        "ideographic": IDEOGRAPHIC,
    }
    typed = {}
    for index, (name, separator) in enumerate(shapes.items()):
        typed[name] = grouped(with_key(f"18505780061{index:02d}"), separator)
    typed["fullwidth"] = with_key("2930375115124").translate(FULLWIDTH)
    typed["arabic_indic"] = grouped(with_key("1850533063125"), " ").translate(ARABIC_INDIC)
    key_after_dot = with_key("1991299350126")
    typed["key_after_dot"] = f"{key_after_dot[:13]}.{key_after_dot[13:]}"
    return typed


SHAPED = shaped()
AS_JSON_NUMBER = with_key("1930375115127")  # sent as /inform{"department": <number>}


def bodies_found(haystack: str) -> list[str]:
    readable = flat(haystack)
    numbers = {**SHAPED, "json_number": AS_JSON_NUMBER}
    return [name for name, typed in numbers.items() if flat(typed)[:13] in readable]


def kept_files(assistant: Assistant) -> str:
    """Every byte the assistant wrote: databases with their write-ahead logs, and logs."""
    paths = [
        path
        for path in assistant.log_dir.rglob("*")
        if path.is_file() and path.suffix in (".db", ".log", ".db-wal", ".db-journal")
    ]
    paths += [Path(f"{assistant.tracker_db}-wal"), Path(f"{assistant.database}-wal")]
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in paths if p.exists())


def test_every_typed_shape_is_checked_and_kept_nowhere(assistant: Assistant) -> None:
    replies = []
    for name, typed in SHAPED.items():
        answer = assistant.conversation().say(f"voici mon numero {typed} il est bon ?")
        assert "bien formé" in answer, name  # recognised and checked, whatever the shape
        replies.append(answer)
    replies.append(assistant.conversation().say(f'/inform{{"department": {AS_JSON_NUMBER}}}'))
    assert bodies_found("\n".join(replies)) == []
    assert bodies_found(kept_files(assistant)) == []


class EchoingActionServer(BaseHTTPRequestHandler):
    """An action server that fails and echoes the request, as rasa_sdk's own does: Rasa
    then logs an ERROR carrying the whole tracker, JSON-escaped."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        answer = json.dumps({"error": "boom", "request_body": json.loads(body)}).encode()
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_an_action_failing_with_a_number_in_the_message_logs_no_number(
    assistant: Assistant,
) -> None:
    port = int(assistant.servers.env["ACTION_PORT"])
    assistant.servers.stop_actions()
    echoing = ThreadingHTTPServer(("127.0.0.1", port), EchoingActionServer)
    thread = threading.Thread(target=echoing.serve_forever, daemon=True)
    thread.start()
    try:
        for name in ("nbsp", "narrow_nbsp", "em_dash", "fullwidth", "arabic_indic"):
            answer = assistant.conversation().say(f"mon numero {SHAPED[name]} svp", degraded=True)
            assert "souci technique" in answer
    finally:
        echoing.shutdown()
        echoing.server_close()
        assistant.servers.start_actions()
    logs = "\n".join(p.read_text(errors="replace") for p in assistant.log_dir.glob("*.log"))
    assert "request_body" in logs  # Rasa did log the failing answer, body and all
    assert bodies_found(logs) == []
