"""Victim messages as staff's live view counts them: read from Rasa's user events, recorded once each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from bot.cases.identities import SenderAddress
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


def turn_from_event(sender_id: str, event: dict[str, Any]) -> Turn:
    """A `Turn` from a user event as Rasa publishes it (`Event.as_dict()`)."""
    prefix, _address = SenderAddress.parse(sender_id)
    risk = (event.get("parse_data") or {}).get("risk")
    return Turn(
        at=event_time(float(event.get("timestamp") or 0.0)),
        channel=prefix or event.get("input_channel") or "unknown",
        risk=dict(risk) if isinstance(risk, dict) else None,
    )


def record_new_turns(sender_id: str, turns: list[Turn]) -> int:
    """Record the turns newer than the stored last message (synchronous; run it off the event loop).

    A message published twice is counted once. The stored time is read in its own transaction, so the writing
    one starts with a write: on SQLite (WAL) a transaction that read first can't take the write lock after
    another sender's commit.
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
