"""Rasa's SQL tracker store with each event redacted (verification answers) and encrypted before it is written.

Only the serialisation of SQLTrackerStore changes: `save` writes the same rows Rasa would, with `data`
redacted (bot.privacy.secret_answers) and encrypted (bot.privacy.encryption); `_retrieve` decrypts, so
Rasa, the console and Haven's hooks get events back as Rasa wrote them, minus the secrets. An event
broker, if one were configured, would still receive events as Rasa sends them; Haven configures none.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.privacy.encryption import decrypt_event, encrypt_event
from bot.privacy.keys import data_keys
from bot.privacy.secret_answers import restore_pending, stored_events, superseded_pending, without_pending


class EncryptedEventsStore(SQLTrackerStore):
    """SQLTrackerStore whose `events.data` holds redacted, encrypted JSON."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._keys = data_keys()  # first: without a key outside development, refuse to start
        super().__init__(*args, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events Rasa has not stored yet (as SQLTrackerStore.save), redacted and encrypted.

        Rasa calls this after the turn's actions ran, so an answer is redacted only once it was checked.
        A partial answer that a newer message replaced is removed from its stored row here too.
        """
        await self.stream_events(tracker)
        events = list(tracker.events)
        with self.session_scope() as session:
            query = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False)
            stored_count = query.count()
            stale = superseded_pending(events, stored_count)
            if stale:
                rows = query.all()
                for index in (i for i in stale if i < len(rows)):
                    rows[index].data = encrypt_event(without_pending(decrypt_event(rows[index].data, self._keys)),
                                                     self._keys)  # fmt: skip
            for data in stored_events(events, stored_count):
                parse_data = data.get("parse_data") or {}
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=data.get("event"),
                        timestamp=data.get("timestamp"),
                        intent_name=(parse_data.get("intent") or {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=encrypt_event(data, self._keys),
                    )
                )
            session.commit()

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """The conversation (latest session, or all) decrypted; the next turn gets a pending partial answer back."""
        with self.session_scope() as session:
            query = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            )
            events = [decrypt_event(row.data, self._keys) for row in query.all()]
        if fetch_events_from_all_sessions:
            events = [without_pending(event) for event in events]
        else:
            events = restore_pending(events)
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
