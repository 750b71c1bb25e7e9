"""Rasa's SQL tracker store, configured from Haven's DATABASE_URL instead of separate fields."""

from __future__ import annotations

import logging
from typing import Any

from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.handoff.contact_later import react_to_contact_answer
from bot.handoff.paused_risk import react_to_risk_while_paused
from bot.live.tracker_hook import record_live_turns
from bot.privacy.log_scrub import install_log_scrubbing
from bot.privacy.sealed_store import EncryptedEventsStore
from bot.settings import get_settings

logger = logging.getLogger(__name__)


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

    Rasa's endpoint config can't take a URL for SQL stores, so one DATABASE_URL would
    otherwise have to be repeated as dialect/host/port/db fields; this reads it from settings.
    Saving is also where a paused conversation's new risk disclosure is noticed (see
    bot.handoff.paused_risk), since Rasa runs no action while a conversation is paused, and
    where each new victim message is counted in staff's live view (bot.live). Events are stored with
    verification answers redacted and encrypted with HAVEN_DATA_KEYS (bot.privacy.sealed_store).
    """

    def __init__(self, domain: Any = None, event_broker: Any = None, **_ignored: Any) -> None:
        install_log_scrubbing()
        super().__init__(
            domain=domain, event_broker=event_broker, **tracker_store_arguments(get_settings().database_url)
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Save the turn; first, a risk disclosed while waiting for a person raises the hand-off's priority, and
        an answer to "is it safe for us to message you here later?" is recorded (bot/handoff/contact_later.py)."""
        await react_to_risk_while_paused(tracker)
        await react_to_contact_answer(tracker)
        await super().save(tracker)
        try:
            await record_live_turns(tracker)
        except Exception as error:  # the live view is a summary: it must never break a save
            logger.error("could not update the live conversation summary: %s", type(error).__name__)
