"""A Redis lock store whose ticket operations are atomic across processes.

Rasa serialises the turns of one conversation with a ticket lock. Its ``RedisLockStore``
keeps the lock as one JSON value and changes it by reading it, changing it in Python and
writing it back: two Rasa processes (or Sanic workers) issuing a ticket at the same
moment both read the same queue, both take the same number, and the last write wins. Both
turns then run at once on the same conversation, and the SQL tracker store, which saves
"the events after the ones already stored", writes some events twice. Measured here:
6 messages of one conversation sent at once to two processes stored 8 user turns.

This store makes every change to a lock one Redis script (Lua, run atomically by the
server): issuing a ticket, giving it back and dropping expired tickets each cost one round
trip, where a ``WATCH``/``GET``/``MULTI``/``EXEC`` transaction costs three and Rasa's
read-change-write two (not atomic). Issuing a ticket also says which ticket is being
served, so an uncontested turn takes the lock in one round trip and gives it back in one:
two a turn instead of seven (measured under people's words, in-process, 1 December 2026:
the lock 1.05 ms of a Rasa process's CPU a message before). The key gets an expiry, so a
lock left by a crashed process disappears by itself, and a waiting turn polls every 50 ms
instead of every second. The lock is stored as Rasa's ``TicketLock`` stores it (JSON, each
ticket a JSON string), so Rasa's own ``get_lock`` reads it. Configured in endpoints.yml::

    lock_store:
      type: addons.lock_store.AtomicRedisLockStore
      url: 127.0.0.1
      port: 6379
      db: 1

It is a ``RedisLockStore``, so Rasa allows several Sanic workers with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.05
"""How often a waiting turn looks whether it is its turn (Rasa: every second)."""

EXPIRY_MARGIN_SECONDS = 5.0
"""The Redis key outlives its last ticket by this much, then disappears."""

NO_TICKET = -1
"""A ticket number never issued (Rasa numbers tickets from 0)."""

# The lock as Rasa's TicketLock stores it: {"conversation_id": …, "tickets": ["{\"number\":
# 0, \"expires\": …}", …]}. A ticket has expired when now > expires (Ticket.has_expired).
_COMMON = """
local key, now, margin, conversation = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local tickets = {}
local raw = redis.call('GET', key)
if raw then
  for _, text in ipairs(cjson.decode(raw)['tickets'] or {}) do
    local ticket = cjson.decode(text)
    if ticket['expires'] >= now then tickets[#tickets + 1] = ticket end
  end
end
local function save()
  if #tickets == 0 then
    redis.call('DEL', key)
    return
  end
  local texts, last = {}, now
  for index, ticket in ipairs(tickets) do
    texts[index] = cjson.encode({number = ticket['number'], expires = ticket['expires']})
    last = math.max(last, ticket['expires'])
  end
  local lock = cjson.encode({conversation_id = conversation, tickets = texts})
  redis.call('SET', key, lock, 'PX', math.floor((last - now + margin) * 1000))
end
"""

ISSUE = (
    _COMMON
    + """
local number = 0
if #tickets > 0 then number = tickets[#tickets]['number'] + 1 end
tickets[#tickets + 1] = {number = number, expires = now + tonumber(ARGV[4])}
save()
return {number, tickets[1]['number']}
"""
)
"""Issues the next ticket (ARGV[4]: its lifetime): its number and the one served now."""

GIVE_BACK = (
    _COMMON
    + """
local number = tonumber(ARGV[4])
for index, ticket in ipairs(tickets) do
  if ticket['number'] == number then
    table.remove(tickets, index)
    break
  end
end
save()
if #tickets == 0 then return -1 end
return tickets[1]['number']
"""
)
"""Removes ticket ARGV[4] (none: -1) and the expired ones: the ticket served now, or -1."""


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store, with each change of a lock one atomic Redis script."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)
        self._issue = self.red.register_script(ISSUE)
        self._give_back = self.red.register_script(GIVE_BACK)

    def _run(self, script: Any, conversation_id: str, *values: float) -> Any:
        arguments = [repr(time.time()), repr(EXPIRY_MARGIN_SECONDS), conversation_id]
        try:
            return script(keys=[self.key_prefix + conversation_id], args=arguments + list(values))
        except Exception as error:  # a Redis outage: Rasa turns LockError into a 5xx
            raise LockError(f"Error while changing the lock in Redis: {error}") from error

    def issue_and_serving(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME
    ) -> tuple[int, int]:
        """A new ticket for the conversation and the ticket served now (one round trip)."""
        number, serving = self._run(self._issue, conversation_id, lock_lifetime)
        return int(number), int(serving)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        return self.issue_and_serving(conversation_id, lock_lifetime)[0]

    def update_lock(self, conversation_id: str) -> None:
        self._run(self._give_back, conversation_id, NO_TICKET)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._run(self._give_back, conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the ticket back; the key goes when nobody waits (one round trip)."""
        self.finish_serving(conversation_id, ticket_number)

    @contextlib.asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = POLL_SECONDS,
    ) -> AsyncIterator[TicketLock]:
        """Rasa's ticket lock: served in ticket order, one turn at a time. An uncontested
        turn reads the lock once, when its ticket is issued; a waiting one polls."""
        ticket, serving = self.issue_and_serving(conversation_id, lock_lifetime)
        try:
            while serving != ticket:
                if serving == NO_TICKET:  # the ticket expired while waiting (as Rasa's)
                    raise LockError(
                        f"Could not acquire lock for conversation_id '{conversation_id}'."
                    )
                await asyncio.sleep(wait_time_in_seconds)
                serving = int(self._run(self._give_back, conversation_id, NO_TICKET))
            expires = time.time() + lock_lifetime
            yield TicketLock(conversation_id, deque([Ticket(ticket, expires)]))
        finally:
            self.cleanup(conversation_id, ticket)
