"""The REST channel, made to always answer in French (configured in credentials.yml).

Same URL and protocol as Rasa's ``rest`` channel (``POST /webhooks/rest/webhook`` with
``{"sender": …, "message": …}``), with three differences:

- a request that is not a JSON object with a non-empty ``sender`` and a string
  ``message`` gets a 400 with a French explanation instead of a 500;
- a message is cut to ``MAX_MESSAGE_CHARS`` and control characters are dropped;
- when the turn produced no answer at all (the action server is down or failed) or took
  longer than ``REPLY_TIMEOUT_SECONDS`` (9 s), the user gets a short French message telling
  them to try again or to call the 3646, instead of silence.
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.settings import get_settings
from addons.tracker_store import TrackerStoreUnavailable

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
TECHNICAL_PROBLEM = (
    "Désolé, un souci technique m'empêche de répondre pour le moment. Réessayez dans "
    "quelques instants, ou appelez le 3646 (service gratuit + prix de l'appel)."
)
EMPTY_MESSAGE = "Je vous écoute : quelle est votre question ?"
BAD_REQUEST = (
    "Requête invalide : envoyez un objet JSON avec « sender » (identifiant de la "
    "conversation) et « message » (le texte de l'utilisateur)."
)


def clean_message(text: str) -> str:
    """The message without control characters (newlines become spaces), cut to size."""
    kept = (
        " " if ch in "\r\n\t" else ch
        for ch in text[: MAX_MESSAGE_CHARS * 2]
        if ch in "\r\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    return "".join(kept).strip()[:MAX_MESSAGE_CHARS]


def parse_body(request: Request) -> tuple[str, str, Any] | None:
    """(sender, message, metadata) of a valid request body, else None."""
    try:
        body = request.json
    except Exception:  # sanic raises on malformed JSON
        return None
    if not isinstance(body, dict):
        return None
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str | int) or not str(sender).strip() or len(str(sender)) > 255:
        return None
    if not isinstance(message, str):
        return None
    metadata = body.get("metadata")
    return str(sender), clean_message(message), metadata if isinstance(metadata, dict) else None


class FrenchRestInput(RestInput):
    """Rasa's REST channel that never leaves the user without a French answer."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("french_rest_webhook", __name__)
        timeout = get_settings().reply_timeout_seconds

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            parsed = parse_body(request)
            if parsed is None:
                return response.json({"error": BAD_REQUEST}, status=400)
            sender, text, metadata = parsed
            if not text:
                return response.json([{"recipient_id": sender, "text": EMPTY_MESSAGE}])
            collector = CollectingOutputChannel()
            message = UserMessage(
                text, collector, sender, input_channel=self.name(), metadata=metadata
            )
            try:
                await asyncio.wait_for(on_new_message(message), timeout)
            except TrackerStoreUnavailable:
                logger.error("the conversation store is unreachable: the user was told")
                return response.json([{"recipient_id": sender, "text": TECHNICAL_PROBLEM}])
            except asyncio.TimeoutError:
                logger.error("no answer within %.0f s for a message", timeout)
                return response.json([{"recipient_id": sender, "text": TECHNICAL_PROBLEM}])
            except Exception:
                logger.exception("the message could not be handled")
                return response.json([{"recipient_id": sender, "text": TECHNICAL_PROBLEM}])
            if not collector.messages:
                logger.error("a message got no answer (is the action server up?)")
                return response.json([{"recipient_id": sender, "text": TECHNICAL_PROBLEM}])
            return response.json(collector.messages)

        return webhook
