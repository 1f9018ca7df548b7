"""The assistant still answers, in French, when parts fail or the input is bad: against
the real servers, which these tests stop and restart."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from conftest import Assistant, query

TECHNICAL = "un souci technique"


def post(assistant: Assistant, body: bytes | str) -> tuple[int, object]:
    data = body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(
        f"{assistant.rasa_url}/webhooks/rest/webhook",
        data=data,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        '"bonjour"',
        '{"message": "bonjour"}',
        '{"sender": "", "message": "bonjour"}',
        '{"sender": "x", "message": 42}',
        '{"sender": "x", "message": null}',
        '{"sender": "x", "message": ["bonjour"]}',
        '{"sender": {"id": 1}, "message": "bonjour"}',
        '{"sender": "1", "message": "bonjour"}',
        '{"sender": 1234567890123456789, "message": "bonjour"}',
        '{"sender": true, "message": "bonjour"}',
        '{"sender": "conversation-\\u0000-000000000", "message": "bonjour"}',
        '{"sender": "une conversation partagee", "message": "bonjour"}',
    ],
)
def test_a_malformed_request_gets_a_clear_400(assistant: Assistant, body: str) -> None:
    status, answer = post(assistant, body)
    assert status == 400
    assert isinstance(answer, dict) and "« sender »" in answer["error"]


WHAT_ELSE = "Je vous écoute : quelle est votre question ?"
NOT_UNDERSTOOD = ("Je ne suis pas sûr d'avoir compris", "Désolé, je n'ai pas compris", WHAT_ELSE)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", (WHAT_ELSE,)),
        ("   \n\t ", (WHAT_ELSE,)),
        # about 56 KB: under the 64 KB cap, cut to 2,000 characters
        ("bonjour " * 7_000, ("assistant non officiel",)),
        # control characters dropped: "bonjour[31m", a greeting or not understood
        ("bonjour\x00\x07\x1b[31m", ("assistant non officiel", *NOT_UNDERSTOOD)),
        ("👍🙏", NOT_UNDERSTOOD),
        ("مرحبا، أحتاج رقم الضمان الاجتماعي", NOT_UNDERSTOOD),
        ("你好，我丢了我的社保号码", NOT_UNDERSTOOD),
        ("j'ai perdu mon numéro\u200b\u202e de sécu", ("Votre numéro figure",)),
    ],
)
def test_odd_messages_get_a_french_answer(
    assistant: Assistant, message: str, expected: tuple[str, ...]
) -> None:
    answer = assistant.conversation().say(message)  # an apology would fail here
    assert any(text in answer for text in expected), answer
    # and the server keeps serving everyone else
    assert "non officiel" in assistant.conversation().say("bonjour")


def test_action_server_down_then_back(assistant: Assistant) -> None:
    conversation = assistant.conversation()
    assert "3646" in conversation.say("quel est le numero de la cpam ?")
    assistant.servers.stop_actions()
    try:
        started = time.monotonic()
        answer = conversation.say("je suis né au Maroc, comment avoir un numéro ?", degraded=True)
        elapsed = time.monotonic() - started
        assert TECHNICAL in answer and "3646" in answer
        assert elapsed < 10
    finally:
        assistant.servers.start_actions()
    answer = conversation.say("je suis né au Maroc, comment avoir un numéro ?")
    assert "S1106" in answer


def test_rasa_restarted_in_the_middle_of_a_booking(assistant: Assistant) -> None:
    conversation = assistant.conversation()
    conversation.say("je voudrais un rendez-vous")
    assert "rappel par téléphone ou un passage à l'accueil" in conversation.say(
        "c'est pour ma carte vitale"
    )
    assistant.servers.stop_rasa()
    assistant.servers.start_rasa()
    assistant.servers.wait_for_rasa()
    # the form goes on where it was: the channel was asked, the reason is remembered
    assert "département" in conversation.say("par telephone")


def test_conversation_store_unreachable_at_run_time(postgres_assistant) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    assistant, url = postgres_assistant
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    conversation = assistant.conversation()
    assert "3646" in conversation.say("quel est le numero de la cpam ?")
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
    try:
        answer = conversation.say("j'habite dans le 33", degraded=True)
        assert TECHNICAL in answer
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    log = (assistant.log_dir / "rasa.log").read_text(errors="replace")
    assert "tracker store unavailable" in log
    # back: the conversation is the one stored before (a follow-up to the contact answer)
    assert "CPAM de la Gironde" in conversation.say("j'habite dans le 33")


def test_a_big_body_is_refused_at_once_and_nothing_big_is_stored(assistant: Assistant) -> None:
    sender = f"big-{time.monotonic_ns()}-conversation"
    metadata = {"padding": "x" * 2_000_000}
    status, answer = post(
        assistant, json.dumps({"sender": sender, "message": "bonjour", "metadata": metadata})
    )
    assert status == 413 and "trop volumineuse" in answer["error"]
    # the largest body accepted: a long message and metadata the assistant does not use
    near_limit = {"sender": sender, "message": "bonjour " * 400, "metadata": {"x": "y" * 50_000}}
    status, answer = post(assistant, json.dumps(near_limit))
    assert status == 200 and answer
    [(largest,)] = query(
        assistant.tracker_db, "SELECT max(length(data)) FROM events WHERE sender_id = ?", sender
    )
    assert largest < 16_000  # the message cut to 2,000 characters, the metadata dropped
    assert assistant.conversation().say("bonjour")  # and the server serves everyone
