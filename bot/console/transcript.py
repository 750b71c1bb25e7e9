"""Conversation transcripts as staff see them: messages from Rasa's tracker store, hand-off markers from the queue."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from rasa.shared.core.events import ActionExecuted, BotUttered, Event, Restarted, UserUttered
from sqlalchemy import select

from bot.db import session_scope
from bot.handoff import wording
from bot.handoff.conversation_log import staff_message
from bot.models.handoff import Handoff
from bot.off_loop import run_blocking
from bot.privacy.redaction import REDACTED_TEXT, is_redacted
from bot.settings import get_settings
from bot.wording import response_text

ACTION_LISTEN = "action_listen"
OPENED_NOTE = "Conversation handed to a person"
CLOSED_NOTES = {"handback": "Conversation handed back to the bot", "end": "Conversation ended"}


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat(timespec="seconds")


def _label(timestamp: float | None) -> str:
    """'24 Nov, 20:55' in the gateway's time zone."""
    if timestamp is None:
        return ""
    local = datetime.fromtimestamp(timestamp, tz=ZoneInfo(get_settings().timezone))
    return local.strftime("%-d %b, %H:%M")


def _entry(kind: str, text: str, timestamp: float | None, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "text": text, **extra, "at": _iso(timestamp), "at_label": _label(timestamp), "_ts": timestamp}


def _epoch(moment: datetime) -> float:
    """A stored naive-UTC time as a Unix timestamp, comparable with Rasa's event times."""
    return moment.replace(tzinfo=timezone.utc).timestamp()


def message_entries(events: list[Event]) -> list[dict[str, Any]]:
    """User, bot and staff messages (with risk hits), oldest first, without indexes."""
    entries: list[dict[str, Any]] = []
    for event in events:
        if isinstance(event, UserUttered):
            risk = (event.parse_data or {}).get("risk") or None
            flagged = risk and (risk.get("escalate") or risk.get("band") == "uncertain")
            text = REDACTED_TEXT if is_redacted(event.metadata) else event.text or ""
            entries.append(_entry("user", text, event.timestamp, risk=risk if flagged else None))
        elif isinstance(event, BotUttered):
            staff = (event.metadata or {}).get("staff")
            entries.append(_entry("staff" if staff else "bot", event.text or "", event.timestamp, author=staff))
    return entries


def handoff_entries(handoffs: list[tuple[datetime, datetime | None, str | None]]) -> list[dict[str, Any]]:
    """System markers for hand-offs given as (created, closed, resolution): when a person took the conversation,
    and when it went back to the bot or ended."""
    entries = []
    for created_at, closed_at, resolution in handoffs:
        entries.append(_entry("system", OPENED_NOTE, _epoch(created_at)))
        if closed_at is not None:
            entries.append(_entry("system", CLOSED_NOTES.get(resolution or "", "Hand-off closed"), _epoch(closed_at)))
    return entries


def transcript_entries(
    events: list[Event], handoffs: list[tuple[datetime, datetime | None, str | None]] | None = None
) -> list[dict[str, Any]]:
    """What staff see: messages and hand-off markers in time order, each with its position (`index`)."""
    merged = message_entries(events) + handoff_entries(handoffs or [])
    merged.sort(key=lambda entry: entry["_ts"] or 0.0)  # stable: equal times keep messages before markers
    for index, entry in enumerate(merged):
        del entry["_ts"]
        entry["index"] = index
    return merged


def conversation_handoffs(sender_id: str) -> list[tuple[datetime, datetime | None, str | None]]:
    """(created, closed, resolution) of each hand-off of the conversation, oldest first (blocking)."""
    with session_scope() as session:
        query = select(Handoff.created_at, Handoff.closed_at, Handoff.resolution).where(Handoff.sender_id == sender_id)
        return [tuple(row) for row in session.execute(query.order_by(Handoff.id)).all()]


async def load_transcript(agent: Any, *, sender_id: str) -> list[dict[str, Any]]:
    """The full transcript of a conversation across sessions (empty if there is nothing to show)."""
    tracker = await agent.tracker_store.retrieve_full_tracker(sender_id)
    handoffs = await run_blocking(conversation_handoffs, sender_id)
    return transcript_entries(list(tracker.events) if tracker else [], handoffs)


async def current_slots(agent: Any, *, sender_id: str) -> dict[str, Any]:
    """The slots of the conversation's latest session."""
    tracker = await agent.tracker_store.retrieve(sender_id)
    return dict(tracker.current_slot_values()) if tracker else {}


def closing_events(resolution: str, *, display_name: str, text: str | None) -> list[Event]:
    """Events that end a hand-off in the conversation: the last staff message (`text`, None when the victim is
    not told), and for "end" a fresh start.

    Handing back needs nothing more: once the row is closed, the hand-off policy abstains and the bot answers.
    """
    last = [staff_message(text, display_name=display_name)] if text else []
    if resolution == "handback":
        return last
    return [*last, ActionExecuted(ACTION_LISTEN), Restarted()]


def closing_text(resolution: str, channel: str | None) -> str:
    """What the victim is told when a hand-off ends (handed back, or ended), on their channel."""
    return response_text(wording.CLOSING["handback" if resolution == "handback" else "end"], channel)
