"""The action server called over kept-alive connections, not a new one per call.

For every call to the action server, Rasa's ``EndpointConfig.request`` opens a new
aiohttp session with a connector of its own: a new TCP connection, which the action
server's Sanic accepts and sets up, closed after one request. Measured here (1 December
2026, 1,000 calls to the action server): 0.53 to 0.74 ms of the Rasa process's CPU and
0.31 to 0.42 ms of the action server's a call that way, 0.23 to 0.25 ms and 0.14 to
0.16 ms over a kept-alive connection; under 20 concurrent conversations aiohttp was a
tenth of a Sanic worker's CPU (py-spy, ``make bench`` ours-2w).

``EndpointConfig.session`` here gives the same session Rasa builds (its headers,
authentication and timeout) on a connector shared by every session of the event loop
(each Sanic worker has its own loop): the session still opens and closes around each
request as Rasa's code does, its connections stay in the connector for the next one.
Rasa's request is otherwise unchanged (URL, headers, parameters, errors).

The connector closes a connection left idle for ``IDLE_SECONDS``, before Sanic's
keep-alive (5 s) closes it from the other end, so that a call is not sent on a
connection the action server is closing; a connection the server closed (it restarted)
is noticed and replaced by aiohttp. No limit on simultaneous connections, as with a
connector a request. Installed by ``addons.startup.install()``.
"""

from __future__ import annotations

import asyncio
import atexit
import warnings
import weakref

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

IDLE_SECONDS = 2.0
"""How long an unused connection is kept (the action server's Sanic keeps it 5 s)."""

ORIGINAL_SESSION = EndpointConfig.session

_CONNECTORS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.TCPConnector] = (
    weakref.WeakKeyDictionary()
)


def shared_connector(loop: asyncio.AbstractEventLoop) -> aiohttp.TCPConnector:
    """The connector of ``loop``'s sessions, made on first use."""
    connector = _CONNECTORS.get(loop)
    if connector is None or connector.closed:
        connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=IDLE_SECONDS)
        _CONNECTORS[loop] = connector
    return connector


def session(self: EndpointConfig) -> aiohttp.ClientSession:
    """Rasa's session for an endpoint, on the running loop's shared connector."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop to share a connector in
        return ORIGINAL_SESSION(self)
    auth = None
    if self.basic_auth:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=self.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=shared_connector(loop),
        connector_owner=False,  # closing the session leaves the connections to the next
    )


def close_connectors() -> None:
    """Closes every shared connector's connections (at exit; closing needs no loop, and
    aiohttp's reminder to await it, which would only wait for nothing, is silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for connector in list(_CONNECTORS.values()):
            connector.close()


def install() -> None:
    if EndpointConfig.session is not session:
        EndpointConfig.session = session  # type: ignore[method-assign]
        atexit.register(close_connectors)
