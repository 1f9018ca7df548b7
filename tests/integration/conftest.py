"""Starts the real action server and Rasa server once for the integration tests."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from addons.rest_channel import DEGRADED_HEADER
from tests.databases import POSTGRES, as_text, scratch_postgres
from tests.integration.probe_output import PROBE_REPORT

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
MODEL = Path(os.environ.get("MODEL_PATH", ROOT / "models" / "current.tar.gz"))


def probe_report(script: str, *args: str, **env: str) -> dict[str, Any]:
    """Runs a probe of tests/integration in a fresh process (``env`` added to the
    environment) and returns the JSON report it prints last."""
    with tempfile.TemporaryDirectory(prefix="probe-") as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [str(VENV_BIN / "python"), f"tests/integration/{script}", *args],
            cwd=ROOT,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "RASA_TELEMETRY_ENABLED": "false",
                PROBE_REPORT: str(report),
                **env,
            },
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(report.read_text(encoding="utf-8"))


def query(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Rows of one of the running assistant's SQLite files, the connection closed at once.

    An idle connection left open in this process would lose its POSIX locks as soon as the
    process reads one of the file's bytes (test_privacy reads them); the server could then
    reset the write-ahead log under it: "database disk image is malformed"."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute(sql, args).fetchall()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"{url} not up after {timeout}s:\n{log.read_text()[-3000:]}")


@dataclass
class Assistant:
    rasa_url: str
    tracker_db: Path
    log_dir: Path
    web_origin: str = ""  # the origin the Rasa server allows (CORS), for the demo page
    servers: Any = None  # Servers, to stop and restart them

    @property
    def database(self) -> Path:
        """The SQLite file of the knowledge base and the agenda (DATABASE_URL)."""
        return self.log_dir / "assistant.db"

    def send(self, sender: str, message: str, degraded: bool = False) -> list[dict[str, Any]]:
        """The assistant's answer. The French apology the REST channel gives when the
        assistant cannot answer is a failure, unless the test expects it (``degraded``)."""
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            why = response.headers.get(DEGRADED_HEADER)
            answer = json.loads(response.read())
        if bool(why) != degraded:
            raise AssertionError(f"degraded answer ({why}) to {message!r}: {answer}")
        return answer

    def conversation(self) -> Conversation:
        return Conversation(self, f"test-{uuid.uuid4()}")


@dataclass
class Conversation:
    assistant: Assistant
    sender: str

    def say(self, message: str, degraded: bool = False) -> str:
        """All the text the bot answers to one message, joined (``degraded``: the French
        apology is expected, not the assistant's answer)."""
        replies = self.assistant.send(self.sender, message, degraded)
        assert replies, f"no answer to {message!r}"
        return "\n".join(r.get("text", "") for r in replies)

    def buttons(self, message: str) -> list[dict[str, str]]:
        return [b for r in self.assistant.send(self.sender, message) for b in r.get("buttons", [])]


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("ab")
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Servers:
    """The two processes of a running assistant, which the fault tests stop and restart."""

    def __init__(self, work: Path, env: dict[str, str], endpoints: Path) -> None:
        self.work, self.env, self.endpoints = work, env, endpoints
        self.actions: subprocess.Popen | None = None
        self.rasa: subprocess.Popen | None = None

    def start_actions(self) -> None:
        self.actions = start(
            [str(VENV_BIN / "python"), "-m", "actions.server"],
            {**self.env, "LOG_LEVEL": "DEBUG"},
            self.work / "actions.log",
        )
        url = f"http://127.0.0.1:{self.env['ACTION_PORT']}/health"
        wait_until_up(url, self.actions, self.work / "actions.log")

    def start_rasa(self) -> None:
        self.rasa = start(
            [
                str(VENV_BIN / "rasa"),
                *("run", "--model", str(MODEL), "--port", self.env["RASA_PORT"], "--debug"),
                *("--credentials", "credentials.yml", "--endpoints", str(self.endpoints)),
                *("--log-file", str(self.work / "rasa-file.log")),
                *("--cors", self.env["WEB_ORIGIN"]),
            ],
            self.env,
            self.work / "rasa.log",
        )

    def wait_for_rasa(self) -> None:
        assert self.rasa is not None
        url = f"http://127.0.0.1:{self.env['RASA_PORT']}/"
        wait_until_up(url, self.rasa, self.work / "rasa.log")

    def stop_actions(self) -> None:
        if self.actions is not None:
            stop(self.actions)
            self.actions = None

    def stop_rasa(self) -> None:
        if self.rasa is not None:
            stop(self.rasa)
            self.rasa = None


@contextmanager
def running_assistant(
    work: Path, endpoints: Path | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[Assistant]:
    """The action server and the Rasa server, both at DEBUG level (the strictest test of
    the log redaction), with their logs and stores under ``work``."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    action_port, rasa_port, web_port = free_port(), free_port(), free_port()
    web_origin = f"http://127.0.0.1:{web_port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ACTION_PORT": str(action_port),
        "RASA_PORT": str(rasa_port),
        "WEB_ORIGIN": web_origin,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "ACTION_HOST": "127.0.0.1",
        "ACTION_SERVER_TOKEN": secrets.token_hex(16),
        "TRACKER_DB": str(work / "tracker.db"),
        "TRACKER_STORE_URL": f"sqlite:///{work / 'tracker.db'}",
        "LOCK_STORE": os.environ.get("LOCK_STORE", "in_memory"),
        "REDIS_HOST": os.environ.get("REDIS_HOST", "127.0.0.1"),
        "REDIS_PORT": os.environ.get("REDIS_PORT", "6379"),
        "REDIS_LOCK_DB": os.environ.get("REDIS_LOCK_DB", "1"),
        "VAR_DIR": str(work),
        "LOG_DIR": str(work),
        "RASA_TELEMETRY_ENABLED": "false",
        "DATABASE_URL": f"sqlite:///{work / 'assistant.db'}",
        **(extra_env or {}),
    }
    for module in ("secu.knowledge.loader", "secu.agenda.setup"):
        subprocess.run([str(VENV_BIN / "python"), "-m", module], cwd=ROOT, env=env, check=True)
    servers = Servers(work, env, endpoints or ROOT / "endpoints.yml")
    try:
        servers.start_rasa()  # the model loads while the action server starts
        servers.start_actions()
        servers.wait_for_rasa()
        yield Assistant(
            f"http://127.0.0.1:{rasa_port}", work / "tracker.db", work, web_origin, servers
        )
    finally:
        servers.stop_rasa()
        servers.stop_actions()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with running_assistant(tmp_path_factory.mktemp("assistant")) as running:
        yield running


@pytest.fixture(scope="session")
def postgres_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Assistant, str]]:
    """An assistant whose conversations go to a throw-away PostgreSQL database (its URL
    is the second item), through TRACKER_STORE_URL as in a deployment."""
    if not POSTGRES:
        pytest.skip("TEST_POSTGRES_URL not set")
    with scratch_postgres("tracker") as database:
        url = as_text(database)
        work = tmp_path_factory.mktemp("assistant-pg")
        with running_assistant(work, extra_env={"TRACKER_STORE_URL": url}) as running:
            yield running, url
