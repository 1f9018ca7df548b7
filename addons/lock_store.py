"""A Redis lock store whose ticket operations are atomic across processes.

Rasa serialises the turns of one conversation with a ticket lock. Its ``RedisLockStore``
keeps the lock as one JSON value and changes it by reading it, changing it in Python and
writing it back: two Rasa processes (or Sanic workers) issuing a ticket at the same
moment both read the same queue, both take the same number, and the last write wins. Both
turns then run at once on the same conversation, and the SQL tracker store, which saves
"the events after the ones already stored", writes some events twice. Measured here:
6 messages of one conversation sent at once to two processes stored 8 user turns.

This store makes every change to a lock one Redis transaction (``WATCH`` the key, read
it, change it, ``MULTI``/``EXEC``, again if another process wrote in between), gives the
key an expiry so a lock left by a crashed process disappears by itself, and polls for
its turn every 50 ms instead of every second. Configured in endpoints.yml::

    lock_store:
      type: addons.lock_store.AtomicRedisLockStore
      url: 127.0.0.1
      port: 6379
      db: 1

It is a ``RedisLockStore``, so Rasa allows several Sanic workers with it.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

POLL_SECONDS = 0.05
"""How often a waiting turn looks whether it is its turn (Rasa: every second)."""

EXPIRY_MARGIN_SECONDS = 5.0
"""The Redis key outlives its last ticket by this much, then disappears."""


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store, with each read-change-write of a lock done atomically."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)

    def _change(
        self, conversation_id: str, change: Callable[[TicketLock | None], TicketLock | None]
    ) -> None:
        """Apply ``change`` to the stored lock in one transaction.

        ``change`` gets the current lock (or None) and returns the lock to store, or
        None to delete it. Retried by redis-py when another client wrote in between.
        """
        key = self.key_prefix + conversation_id

        def transaction(pipe: Any) -> None:
            raw = pipe.get(key)
            current = TicketLock.from_dict(json.loads(raw)) if raw else None
            changed = change(current)
            pipe.multi()
            if changed is None or not changed.tickets:
                pipe.delete(key)
            else:
                last_expiry = max(ticket.expires for ticket in changed.tickets)
                seconds = max(last_expiry - time.time(), 0.0) + EXPIRY_MARGIN_SECONDS
                pipe.set(key, changed.dumps(), px=int(seconds * 1000))

        try:
            self.red.transaction(transaction, key)
        except Exception as error:  # a Redis outage: Rasa turns LockError into a 5xx
            raise LockError(f"Error while changing the lock in Redis: {error}") from error

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        issued: list[int] = []

        def add_ticket(lock: TicketLock | None) -> TicketLock:
            lock = lock or TicketLock(conversation_id)
            issued.append(lock.issue_ticket(lock_lifetime))
            return lock

        self._change(conversation_id, add_ticket)
        return issued[-1]

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> TicketLock | None:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def remove(lock: TicketLock | None) -> TicketLock | None:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock

        self._change(conversation_id, remove)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the ticket back; the key goes when nobody waits (one transaction)."""
        self.finish_serving(conversation_id, ticket_number)

    def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = POLL_SECONDS,
    ) -> contextlib.AbstractAsyncContextManager[TicketLock]:
        return super().lock(conversation_id, lock_lifetime, wait_time_in_seconds)
