"""The REST channel, made to always answer in French (configured in credentials.yml).

Same URL and protocol as Rasa's ``rest`` channel (``POST /webhooks/rest/webhook`` with
``{"sender": …, "message": …}``), with these differences:

- the conversation id (``sender``) is the only key to a conversation: it must be a
  string of 16 to 128 characters from a safe set (letters, digits, ``-_.:``), such as
  the widget's random UUID; anything else gets a 400 with a French explanation;
- a request that is not a JSON object with a valid ``sender`` and a string ``message``
  gets a 400 with a French explanation instead of a 500;
- the body of any request to the Rasa server is capped (``MAX_BODY_BYTES``, 64 KB): past
  it, a 413 with a JSON error, before the body is read;
- a message is cut to ``MAX_MESSAGE_CHARS`` and control characters are dropped;
  ``metadata`` is dropped (the assistant uses none: nothing unchecked is stored);
- when the turn produced no answer at all (the action server is down or failed) or took
  longer than ``REPLY_TIMEOUT_SECONDS`` (9 s), the user gets a short French message telling
  them to try again or to call the 3646, instead of silence; that answer carries the header
  ``X-Assistant-Degraded`` so that tests and benchmarks count it as the failure it is.

Every text is an answer of data/knowledge/answers/channel.yml.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from addons import startup
from addons.tracker_store import TrackerStoreUnavailable
from secu.content import render
from secu.settings import get_settings

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
MAX_BODY_BYTES = 64 * 1024
SENDER_RE = re.compile(r"[A-Za-z0-9._:-]{16,128}")
DEGRADED_HEADER = "X-Assistant-Degraded"
"""Set on an answer that is the French apology instead of the assistant's reply (why:
``timeout``, ``no-answer``, ``store``, ``error``): tests and benchmarks count it as a
failure, and the log has one line ``degraded answer: <why>`` for each."""


def apology(sender: str, why: str) -> HTTPResponse:
    """The French "technical problem" answer, marked as degraded."""
    logger.error("degraded answer: %s", why)
    return response.json(
        [{"recipient_id": sender, "text": render("channel_technical_problem")}],
        headers={DEGRADED_HEADER: why},
    )


def refusal(key: str, status: int = 400) -> HTTPResponse:
    values = {"kilobytes": MAX_BODY_BYTES // 1024, "characters": MAX_MESSAGE_CHARS}
    return response.json({"error": render(key, **values)}, status=status)


def clean_message(text: str) -> str:
    """The message without control characters (newlines become spaces), cut to size."""
    kept = (
        " " if ch in "\r\n\t" else ch
        for ch in text[: MAX_MESSAGE_CHARS * 2]
        if ch in "\r\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    return "".join(kept).strip()[:MAX_MESSAGE_CHARS]


def is_valid_sender(sender: object) -> bool:
    """Whether a conversation id is a string long and random-looking enough to be a key."""
    return isinstance(sender, str) and SENDER_RE.fullmatch(sender) is not None


BAD_REQUEST = "channel_bad_request"
BAD_SENDER = "channel_bad_sender"


def parse_body(request: Request) -> tuple[str, str] | str:
    """(sender, message) of a valid request body, else the key of the French error."""
    try:
        body = request.json
    except Exception:  # sanic raises on malformed JSON
        return BAD_REQUEST
    if not isinstance(body, dict):
        return BAD_REQUEST
    sender, message = body.get("sender"), body.get("message")
    if sender is None or sender == "" or not isinstance(message, str):
        return BAD_REQUEST
    if not is_valid_sender(sender):
        return BAD_SENDER
    return sender, clean_message(message)


def cap_request_size(app: Sanic) -> None:
    """Every request to the Rasa server is refused past ``MAX_BODY_BYTES`` with a JSON 413
    (Sanic checks the announced length before reading the body, and counts what comes)."""
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    async def too_large(request: Request, error: Exception) -> HTTPResponse:
        return refusal("channel_too_large", 413)

    app.error_handler.add(PayloadTooLarge, too_large)


async def answer(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    sender: str,
    text: str,
    channel: str,
    timeout: float,
) -> HTTPResponse:
    """The assistant's reply to one message, or the French apology when it cannot give one."""
    collector = CollectingOutputChannel()
    message = UserMessage(text, collector, sender, input_channel=channel)
    try:
        await asyncio.wait_for(on_new_message(message), timeout)
    except TrackerStoreUnavailable:
        return apology(sender, "store")
    except asyncio.TimeoutError:
        logger.error("no answer within %.0f s for a message", timeout)
        return apology(sender, "timeout")
    except Exception:
        logger.exception("the message could not be handled")
        return apology(sender, "error")
    if not collector.messages:
        logger.error("a message got no answer (is the action server up?)")
        return apology(sender, "no-answer")
    return response.json(collector.messages)


class FrenchRestInput(RestInput):
    """Rasa's REST channel that never leaves the user without a French answer."""

    def __init__(self) -> None:
        startup.install()  # Rasa builds the channel as it starts: the process is set up

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("french_rest_webhook", __name__)
        timeout = get_settings().reply_timeout_seconds

        @webhook.listener("before_server_start")
        async def limits(app: Sanic, _loop: Any) -> None:
            cap_request_size(app)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            parsed = parse_body(request)
            if isinstance(parsed, str):
                return refusal(parsed)
            sender, text = parsed
            if not text:
                return response.json(
                    [{"recipient_id": sender, "text": render("channel_empty_message")}]
                )
            return await answer(on_new_message, sender, text, self.name(), timeout)

        return webhook
