"""The action server (actions/server.py), started as `make run` starts it: it listens on
127.0.0.1, runs nothing for a caller without the shared secret, and never echoes a
request back."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actions.server import token_matches
from scripts.ports import listening_addresses
from secu.agenda import service
from secu.knowledge.db import session_scope
from tests.bookings import book_first_free

ROOT = Path(__file__).resolve().parents[3]
TOKEN = secrets.token_hex(16)
SECRET_TEXT = "mon numero 1 85 05 78 006 084 45 et mon adresse 3 rue des Lilas"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(knowledge_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": knowledge_db,
        "ACTION_PORT": str(port),
        "ACTION_SERVER_TOKEN": TOKEN,
        "LOG_LEVEL": "DEBUG",
    }
    env.pop("ACTION_HOST", None)  # the default
    process = subprocess.Popen(
        [sys.executable, "-m", "actions.server"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text()[-2000:]) from None
            time.sleep(0.3)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        # nothing the callers sent was written to the log
        assert "rue des Lilas" not in log.read_text()


def post(url: str, body: Any, token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"{url}/webhook", data=json.dumps(body).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def call(action: str, sender: str, text: str, intent: str, slots: dict[str, Any]) -> dict:
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": slots,
            "latest_message": {"text": text, "intent": {"name": intent}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def a_booking(conversation: str) -> str:
    with session_scope() as session:
        booking = book_first_free(session, conversation, dt.datetime.now(dt.timezone.utc))
    return booking.reference


def is_booked(conversation: str, reference: str) -> bool:
    with session_scope() as session:
        return reference in [b.reference for b in service.bookings_of(session, conversation)]


def test_it_listens_on_this_machine_only(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and nothing else


def cancel_someones_booking(server: str, token: str | None) -> tuple[int, Any, bool]:
    """Asks the action server to cancel a booking of another conversation; returns the
    status, the answer, and whether the booking is still there."""
    victim = f"victim-{uuid.uuid4()}"
    reference = a_booking(victim)
    cancel = call(
        "action_cancel_appointment", victim, "oui", "affirm", {"appointment_to_cancel": reference}
    )
    status, answer = post(server, cancel, token)
    return status, answer, is_booked(victim, reference)


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN[:-1], TOKEN + "x"])
def test_without_the_secret_nothing_runs(server: str, token: str | None) -> None:
    status, answer, still_booked = cancel_someones_booking(server, token)
    assert status == 401
    assert "unauthorized" in answer["error"]
    assert still_booked
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{server}/actions", timeout=10)
    assert refused.value.code == 401


def test_with_the_secret_the_action_runs(server: str) -> None:
    status, answer, still_booked = cancel_someones_booking(server, TOKEN)
    assert status == 200
    assert "annulé" in answer["responses"][0]["text"]
    assert not still_booked


def test_errors_never_echo_the_request(server: str) -> None:
    broken = call("action_check_nir", "some-conversation-0001", SECRET_TEXT, "check_nir", {})
    broken["tracker"]["latest_message"] = 5  # the action cannot read it
    status, answer = post(server, broken, TOKEN)
    assert status == 500
    unknown = post(
        server, call("action_nope", "some-conversation-0001", SECRET_TEXT, "greet", {}), TOKEN
    )
    assert unknown[0] == 404
    not_json = post(server, "not an action call", TOKEN)
    assert not_json[0] == 400
    for body in (answer, unknown[1], not_json[1]):
        dumped = json.dumps(body, ensure_ascii=False)
        assert "Lilas" not in dumped and "1 85 05" not in dumped and "tracker" not in dumped


def test_the_secret_is_compared_whole() -> None:
    assert token_matches(f"Bearer {TOKEN}", TOKEN)
    assert not token_matches(f"bearer {TOKEN}", TOKEN)
    assert not token_matches(TOKEN, TOKEN)
    assert not token_matches("Bearer ", "")
    assert not token_matches(None, TOKEN)


def test_it_refuses_to_start_without_a_secret() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACTION_SERVER_TOKEN": ""}
    done = subprocess.run(
        [sys.executable, "-m", "actions.server"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "ACTION_SERVER_TOKEN" in done.stderr
