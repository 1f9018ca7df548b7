"""The review site started as ``make review`` starts it (``python -m review``), for the
tests that talk to it over HTTP (tests/unit/review and tests/integration/test_review.py),
and a small HTTP client that never follows redirects."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "jeton-de-test-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    cookies: list[str]  # the Set-Cookie headers
    body: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Review:
    """A running review site."""

    url: str
    env: dict[str, str]
    log: Path
    nlu_file: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def request(
        self,
        path: str,
        *,
        token: str | None = TOKEN,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.url + path, data=data, headers=sent)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return _answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return _answer(error.code, error.headers, error.read())

    def index(self) -> None:
        """One indexing run now (the site also indexes every few seconds)."""
        subprocess.run(
            [sys.executable, "-m", "review", "index"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )


def _answer(status: int, headers: object, body: bytes) -> Answer:
    cookies = headers.get_all("Set-Cookie") or []  # type: ignore[attr-defined]
    return Answer(status, {k.lower(): v for k, v in headers.items()}, cookies, body.decode("utf-8"))  # type: ignore[attr-defined]


@contextmanager
def running_review(
    work: Path, tracker_url: str, extra_env: dict[str, str] | None = None
) -> Iterator[Review]:
    """``python -m review`` on ``tracker_url``, its index and annotations under ``work``."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TRACKER_STORE_URL": tracker_url,
        "REVIEW_DB_URL": f"sqlite:///{work / 'review.db'}",
        "REVIEW_TOKEN": TOKEN,
        "REVIEW_PORT": str(port),
        "REVIEW_NLU_FILE": str(work / "nlu" / "review.yml"),
        **(extra_env or {}),
    }
    log = work / "review.log"
    review = Review(f"http://127.0.0.1:{port}", env, log, Path(env["REVIEW_NLU_FILE"]))
    review.index()
    with log.open("ab") as handle:
        review.process = subprocess.Popen(
            [sys.executable, "-m", "review"],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait(review)
        yield review
    finally:
        review.process.terminate()
        try:
            review.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            review.process.kill()
            review.process.wait()


def _wait(review: Review, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert review.process is not None
        if review.process.poll() is not None:
            raise RuntimeError(f"the review site exited:\n{review.log.read_text()[-3000:]}")
        try:
            if review.request("/static/review.css", token=None).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the review site is not up:\n{review.log.read_text()[-3000:]}")


def compacted(text: str) -> str:
    """Digits in ASCII with everything between them removed but letters: where a number
    would show however it is spaced ("06 12 34 56 78", "06.12…", "+33 6…")."""
    kept = []
    for char in text:
        if char.isdigit():
            kept.append(str(int(char)))
        elif char.isalpha() or char == "•":
            kept.append(char)
    return "".join(kept)
