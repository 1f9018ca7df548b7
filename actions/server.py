"""The action server: rasa_sdk's executor behind a door that only Rasa can open.

    python -m actions.server        # ACTION_HOST (127.0.0.1), ACTION_PORT (5055)

rasa_sdk's own server (``rasa run actions``) listens on every interface, allows every
origin, and answers an error with the whole request echoed back; whoever reaches its
port can run any action for any conversation id (list, book or cancel appointments).
This one:

- listens on ``ACTION_HOST``, ``127.0.0.1`` by default;
- runs an action only when the request carries the shared secret
  ``ACTION_SERVER_TOKEN`` (``Authorization: Bearer …``, sent by Rasa from
  ``endpoints.yml``), compared in constant time; otherwise 401 and nothing runs. It
  refuses to start without a secret;
- never puts the request (trackers hold what users typed) in an answer or a log line;
- allows no cross-origin calls (browsers talk to Rasa, never to the action server).
"""

from __future__ import annotations

import hmac
import json
import logging
import sys
import zlib
from typing import Any

from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from secu import logs
from secu.preload import preload
from secu.settings import get_settings

logger = logging.getLogger("actions.server")

BEARER = "Bearer "
# A deflated request body (Rasa's COMPRESS_ACTION_SERVER_REQUEST) is inflated up to this.
MAX_INFLATED_BYTES = 32 * 1024 * 1024
UNAUTHORIZED = {"error": "unauthorized: this action server only answers the assistant"}
INTERNAL_ERROR = {"error": "the action could not be run (see the action server's log)"}


def token_matches(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries the shared secret (constant time)."""
    if not token or not header or not header.startswith(BEARER):
        return False
    return hmac.compare_digest(header[len(BEARER) :].encode(), token.encode())


def action_call(request: Request) -> dict[str, Any] | None:
    """The JSON body of an action call (deflated or not), or None when it is not one."""
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            inflater = zlib.decompressobj()
            raw = inflater.decompress(request.body, MAX_INFLATED_BYTES)
            if inflater.unconsumed_tail:
                return None
            body = json.loads(raw)
        else:
            body = json.loads(request.body or b"null")
    except (ValueError, zlib.error):
        return None
    return body if isinstance(body, dict) else None


async def run_call(executor: ActionExecutor, request: Request) -> HTTPResponse:
    """Runs the action a (trusted) request asks for; errors never echo the request."""
    call = action_call(request)
    if call is None:
        return response.json({"error": "the body is not an action call"}, status=400)
    utils.check_version_compatibility(call.get("version"))
    try:
        result = await executor.run(call)
    except ActionExecutionRejection as rejection:
        logger.debug("action %s rejected its execution", rejection.action_name)
        body = {"error": rejection.message, "action_name": rejection.action_name}
        return response.json(body, status=400)
    except ActionNotFoundException as missing:
        logger.error("no action named %r", missing.action_name)
        body = {"error": "no such action", "action_name": missing.action_name}
        return response.json(body, status=404)
    return response.json(result)


def refusal(request: Request, token: str) -> HTTPResponse | None:
    """A 401 for a request without the shared secret (the health check needs none)."""
    if request.path == "/health" or token_matches(request.headers.get("Authorization"), token):
        return None
    logger.warning("refused a %s %s without the shared secret", request.method, request.path)
    return response.json(UNAUTHORIZED, status=401)


async def http_error(request: Request, error: SanicException) -> HTTPResponse:
    status = getattr(error, "status_code", 500) or 500
    return response.json({"error": str(error.args[0]) if error.args else ""}, status=status)


async def failure(request: Request, error: Exception) -> HTTPResponse:
    # The traceback goes to the log (NIR-redacted); the request body goes nowhere.
    logger.error("an action failed on %s %s", request.method, request.path, exc_info=error)
    return response.json(INTERNAL_ERROR, status=500)


def create_app(token: str, package: str = "actions") -> Sanic:
    """The Sanic app that serves the actions of ``package`` to callers holding ``token``."""
    if not token:
        raise ValueError("the action server needs a shared secret (ACTION_SERVER_TOKEN)")
    app = Sanic("secu_actions", configure_logging=False)
    executor = ActionExecutor()
    executor.register_package(package)

    @app.on_request
    async def check_token(request: Request) -> HTTPResponse | None:
        return refusal(request, token)

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        return await run_call(executor, request)

    @app.get("/actions")
    async def actions(_: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    app.error_handler.add(SanicException, http_error)
    app.error_handler.add(Exception, failure)
    return app


def main() -> int:
    logs.install()  # NIRs masked in every log record, before anything is logged
    settings = get_settings()
    utils.configure_colored_logging(settings.log_level)
    utils.update_sanic_log_level()
    if not settings.action_server_token:
        print(
            "ERROR: ACTION_SERVER_TOKEN is not set: the action server refuses to start "
            "without a shared secret (make run and make shell generate one).",
            file=sys.stderr,
        )
        return 2
    app = create_app(settings.action_server_token)
    loaded = preload()  # the content, before the first person writes (secu/preload.py)
    logger.info("content loaded in %.2f s", sum(loaded.values()))
    if settings.action_host not in ("127.0.0.1", "localhost", "::1"):
        logger.warning(
            "the action server listens on %s: keep this port on a private network",
            settings.action_host,
        )
    logger.info("action server on http://%s:%d", settings.action_host, settings.action_port)
    app.run(
        settings.action_host,
        settings.action_port,
        workers=utils.number_of_sanic_workers(),
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
