"""Rasa's SQL tracker store, configured from Haven's DATABASE_URL instead of separate fields; it only stores."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.privacy.log_scrub import install_log_scrubbing
from bot.privacy.sealed_store import EncryptedEventsStore
from bot.settings import get_settings


def tracker_store_arguments(database_url: str) -> dict[str, Any]:
    """Split a SQLAlchemy URL into the arguments SQLTrackerStore takes."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return {"dialect": "sqlite", "db": url.database}
    return {
        "dialect": url.drivername,
        "host": url.host,
        "port": url.port,
        "db": url.database,
        "username": url.username,
        "password": url.password,
        "query": dict(url.query) or None,
    }


class HavenTrackerStore(EncryptedEventsStore):
    """Conversations in Haven's own database (Rasa's `events` table beside Haven's tables).

    Rasa's endpoint config can't take a URL for SQL stores, so one DATABASE_URL would otherwise have to be
    repeated as dialect/host/port/db fields; this reads it from settings. Events are stored with verification
    answers redacted and encrypted with HAVEN_DATA_KEYS (bot.privacy.sealed_store). Saving does nothing else:
    what staff's views need from each message is done by the event broker (bot/handoff/event_broker.py), and
    what the bot does while a person holds the conversation by the hand-off policy (bot/handoff/policy.py).
    """

    def __init__(self, domain: Any = None, event_broker: Any = None, **_ignored: Any) -> None:
        install_log_scrubbing()
        super().__init__(
            domain=domain, event_broker=event_broker, **tracker_store_arguments(get_settings().database_url)
        )

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publish the events not stored yet to the event broker (as Rasa does, but counting rows, not decrypting
        the stored conversation to compare it)."""
        if self.event_broker is None:
            return
        with self.session_scope() as session:
            stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        await self._stream_new_events(self.event_broker, list(tracker.events)[stored:], tracker.sender_id)
