"""Calls to the action server go over kept-alive connections (addons/action_http.py):
Rasa's own ``EndpointConfig.request`` against a real local HTTP server, with the headers,
authentication and parameters it sends, through an action server that restarts, and
in more than one event loop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from addons import action_http


@pytest.fixture
def installed() -> Iterator[None]:
    before = EndpointConfig.session
    action_http.install()
    yield
    EndpointConfig.session = before  # type: ignore[method-assign]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A local HTTP server that answers what it was sent and notes each connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connections: set[tuple[str, int]] = set()
        self.runner: web.AppRunner | None = None

    async def answer(self, request: web.Request) -> web.Response:
        self.connections.add(request.transport.get_extra_info("peername"))
        body = await request.json()
        return web.json_response(
            {
                "authorization": request.headers.get("Authorization"),
                "tag": request.headers.get("X-Tag"),
                "query": dict(request.query),
                "body": body,
            }
        )

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhook", self.answer)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        assert self.runner is not None
        await self.runner.cleanup()


def endpoint(port: int, **settings: object) -> EndpointConfig:
    return EndpointConfig(url=f"http://127.0.0.1:{port}/webhook", **settings)  # type: ignore[arg-type]


async def calls(config: EndpointConfig, count: int) -> list[dict]:
    return [await config.request(json={"n": n}) for n in range(count)]


def test_calls_share_one_connection_and_send_what_rasa_sends(installed: None) -> None:
    async def scenario() -> tuple[Server, list[dict]]:
        server = Server(free_port())
        await server.start()
        config = endpoint(
            server.port,
            headers={"X-Tag": "secu"},
            token="s3cret",
            basic_auth={"username": "u", "password": "p"},
        )
        answers = await calls(config, 3)
        await server.stop()
        return server, answers

    server, answers = asyncio.run(scenario())
    assert len(server.connections) == 1
    assert [answer["body"] for answer in answers] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert {answer["tag"] for answer in answers} == {"secu"}
    assert {answer["query"]["token"] for answer in answers} == {"s3cret"}
    assert {answer["authorization"] for answer in answers} == {"Basic dTpw"}


def test_without_it_each_call_opens_a_connection() -> None:
    async def scenario() -> Server:
        server = Server(free_port())
        await server.start()
        await calls(endpoint(server.port), 3)
        await server.stop()
        return server

    assert len(asyncio.run(scenario()).connections) == 3


def test_a_restarted_action_server_is_called_again_without_an_error(installed: None) -> None:
    async def scenario() -> list[dict]:
        port = free_port()
        first = Server(port)
        await first.start()
        config = endpoint(port)
        answers = await calls(config, 2)
        await first.stop()  # closes its connections, as a restart does
        again = Server(port)
        await again.start()
        await asyncio.sleep(0.1)
        answers += await calls(config, 2)
        await again.stop()
        return answers

    assert [answer["body"]["n"] for answer in asyncio.run(scenario())] == [0, 1, 0, 1]


def test_an_idle_connection_is_closed_by_the_caller_first(
    installed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(action_http, "IDLE_SECONDS", 0.2)

    async def scenario() -> Server:
        server = Server(free_port())
        await server.start()
        config = endpoint(server.port)
        await calls(config, 1)
        await asyncio.sleep(1.5)  # aiohttp's clean-up runs about once a second
        await calls(config, 1)
        await server.stop()
        return server

    assert len(asyncio.run(scenario()).connections) == 2


def test_each_event_loop_has_its_own_connections(installed: None) -> None:
    port = free_port()

    async def one_loop() -> list[dict]:
        server = Server(port)
        await server.start()
        answers = await calls(endpoint(port), 2)
        await server.stop()
        return answers

    assert len(asyncio.run(one_loop())) == 2
    assert len(asyncio.run(one_loop())) == 2  # a connector of a closed loop is not reused


def test_outside_a_running_loop_rasa_gets_its_own_session(installed: None) -> None:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # a loop set, not running: no connector to share
    try:
        made = EndpointConfig(url="http://127.0.0.1:1").session()
        assert made.connector_owner
        loop.run_until_complete(made.close())
    finally:
        asyncio.set_event_loop(None)
        loop.close()
