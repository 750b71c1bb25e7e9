"""Staff and hand-off messages written into a conversation's stored events, inside the caller's transaction.

A staff reply (or the message that ends a hand-off) is one step: its event row in Rasa's `events` table
(the transcript), its outbox row (delivery) and its audit entry commit together or not at all. The row is
written as Haven's tracker store writes rows (encrypted with HAVEN_DATA_KEYS), while the conversation's
lock is held, so no Rasa turn of that conversation is between reading and saving the tracker: Rasa's save
counts the stored rows to know which events are new, and an unseen row would make it skip one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import Session

from bot.privacy.encryption import encrypt_event
from bot.privacy.keys import data_keys


def staff_message(text: str, *, display_name: str) -> BotUttered:
    """A staff message as it is stored in the transcript."""
    return BotUttered(text=text, metadata={"staff": display_name})


def append_events(session: Session, *, sender_id: str, events: Sequence[Event]) -> None:
    """Add `events` to the conversation's stored events (the caller commits, holding the conversation's lock)."""
    keys = data_keys()
    for event in events:
        data = event.as_dict()
        parse_data = data.get("parse_data") or {}
        session.add(
            SQLTrackerStore.SQLEvent(
                sender_id=sender_id,
                type_name=data.get("event"),
                timestamp=data.get("timestamp"),
                intent_name=(parse_data.get("intent") or {}).get(INTENT_NAME_KEY),
                action_name=data.get("name"),
                data=encrypt_event(data, keys),
            )
        )
    session.flush()


@asynccontextmanager
async def conversation_lock(agent: Any, sender_id: str) -> AsyncIterator[None]:
    """Hold the conversation's lock (Rasa's lock store, as a turn does) while appending events to it."""
    lock_store = getattr(agent, "lock_store", None)
    if lock_store is None:
        yield
        return
    async with lock_store.lock(sender_id):
        yield
