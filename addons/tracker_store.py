"""A tracker store that masks NIR-shaped numbers before anything is persisted.

Configured in endpoints.yml around any of Rasa's stores (SQL on SQLite or PostgreSQL,
Redis, in-memory for ``rasa shell``)::

    tracker_store:
      type: addons.tracker_store.RedactingTrackerStore
      inner:
        type: SQL
        dialect: sqlite
        db: var/tracker.db

Everything Rasa would write (user text, parse data, entities, slot values, bot text,
metadata) passes through ``actions.nir.redact``. Rasa Pro's PII masking does not cover
the tracker store (RasaHQ/rasa#12505); this does, with Rasa Open Source.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore, create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from actions.nir import redact


def redact_data(value: Any) -> Any:
    """Every string inside dicts, lists and tuples, masked."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_data(item) for item in value]
    return value


def redacted_tracker(tracker: DialogueStateTracker, domain: Domain) -> DialogueStateTracker:
    events = [redact_data(event.as_dict()) for event in tracker.events]
    return DialogueStateTracker.from_dict(
        tracker.sender_id, events, domain.slots, max_event_history=tracker._max_event_history
    )


class RedactingTrackerStore(TrackerStore):
    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        inner: dict[str, Any] | None = None,
        host: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, None, **kwargs)
        inner_config = EndpointConfig.from_dict(inner or {})  # no type: in memory
        self.inner = create_tracker_store(inner_config, domain, event_broker)

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        self._domain = domain or Domain.empty()
        self.inner.domain = self._domain

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.inner.save(redacted_tracker(tracker, self.domain))

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self.inner.retrieve(sender_id)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self.inner.retrieve_full_tracker(conversation_id)

    async def keys(self) -> Iterable[str]:
        return await self.inner.keys()

    async def exists(self, conversation_id: str) -> bool:
        return await self.inner.exists(conversation_id)
