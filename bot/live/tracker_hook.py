"""Called by Haven's tracker store on save: record the victim messages it has not recorded yet."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from bot.cases.identities import split_sender
from bot.db import session_scope
from bot.live.record import record_turn
from bot.models.live import LiveConversation


@dataclass(frozen=True)
class Turn:
    """What the live summary needs from one user message (never its text)."""

    at: datetime
    channel: str
    risk: dict[str, Any] | None


def event_time(timestamp: float) -> datetime:
    """A Rasa event timestamp as naive UTC (the same conversion every time, so it compares exactly)."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).replace(tzinfo=None)


def user_turns(tracker: DialogueStateTracker) -> list[Turn]:
    """The tracker's user messages, oldest first."""
    prefix, _address = split_sender(tracker.sender_id)
    turns = []
    for event in tracker.events:
        if isinstance(event, UserUttered):
            risk = (event.parse_data or {}).get("risk")
            turns.append(
                Turn(
                    at=event_time(event.timestamp),
                    channel=prefix or event.input_channel or "unknown",
                    risk=dict(risk) if isinstance(risk, dict) else None,
                )
            )
    return turns


def record_new_turns(sender_id: str, turns: list[Turn]) -> int:
    """Record the turns newer than the stored last message (synchronous; the DB work of one save).

    The stored time is read in its own transaction, so the writing one starts with a write: on SQLite
    (WAL) a transaction that read first can't take the write lock after another sender's commit.
    """
    with session_scope() as session:
        query = select(LiveConversation.last_message_at).where(LiveConversation.sender_id == sender_id)
        last = session.scalar(query)
    fresh = [turn for turn in turns if last is None or turn.at > last]
    if fresh:
        with session_scope() as session:
            for turn in fresh:
                record_turn(session, sender_id=sender_id, channel=turn.channel, risk=turn.risk, at=turn.at)
    return len(fresh)


async def record_live_turns(tracker: DialogueStateTracker) -> int:
    """Record a saved tracker's new user messages in the live summary, off the event loop; returns how many."""
    turns = user_turns(tracker)
    if not turns:
        return 0
    return await asyncio.to_thread(record_new_turns, tracker.sender_id, turns)
