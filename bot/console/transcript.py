"""Conversation transcripts read from, and staff events written to, Rasa's tracker store."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    Restarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff import wording
from bot.privacy.redaction import REDACTED_TEXT, is_redacted
from bot.settings import get_settings

ACTION_LISTEN = "action_listen"
SYSTEM_NOTES = {
    ConversationPaused: "Conversation paused for a person",
    ConversationResumed: "Conversation handed back to the bot",
    Restarted: "Conversation ended",
}


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


def transcript_entries(events: list[Event]) -> list[dict[str, Any]]:
    """What staff see: user, bot and staff messages (with risk hits) and pause/resume markers."""
    entries: list[dict[str, Any]] = []
    for event in events:
        entry: dict[str, Any] | None = None
        if isinstance(event, UserUttered):
            risk = (event.parse_data or {}).get("risk") or None
            flagged = risk and (risk.get("escalate") or risk.get("band") == "uncertain")
            text = REDACTED_TEXT if is_redacted(event.metadata) else event.text or ""
            entry = {"kind": "user", "text": text, "risk": risk if flagged else None}
        elif isinstance(event, BotUttered):
            staff = (event.metadata or {}).get("staff")
            entry = {"kind": "staff" if staff else "bot", "text": event.text or "", "author": staff}
        elif type(event) in SYSTEM_NOTES:
            entry = {"kind": "system", "text": SYSTEM_NOTES[type(event)]}
        if entry is not None:
            entry["at"] = _iso(event.timestamp)
            entry["at_label"] = _label(event.timestamp)
            entry["index"] = len(entries)
            entries.append(entry)
    return entries


async def load_transcript(agent: Any, *, sender_id: str) -> list[dict[str, Any]]:
    """The full transcript of a conversation across sessions (empty if the tracker store has none)."""
    tracker = await agent.tracker_store.retrieve_full_tracker(sender_id)
    return transcript_entries(list(tracker.events)) if tracker else []


async def current_slots(agent: Any, *, sender_id: str) -> dict[str, Any]:
    """The slots of the conversation's latest session."""
    tracker = await agent.tracker_store.retrieve(sender_id)
    return dict(tracker.current_slot_values()) if tracker else {}


async def append_events(agent: Any, *, sender_id: str, events: list[Event]) -> None:
    """Append events to a conversation under the agent's conversation lock."""
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            slots = agent.domain.slots if agent.domain else []
            tracker = DialogueStateTracker(sender_id, slots)
        for event in events:
            tracker.update(event)
        await agent.tracker_store.save(tracker)


def staff_message(text: str, *, display_name: str) -> BotUttered:
    """A staff reply as it is stored in the transcript."""
    return BotUttered(text=text, metadata={"staff": display_name})


def pausing_events(tracker: DialogueStateTracker | None) -> list[Event]:
    """Events that hand a conversation to a person, as the escalation actions do: end any form, then pause."""
    events: list[Event] = []
    if tracker is not None and tracker.active_loop_name:
        events += [ActiveLoop(None), SlotSet("requested_slot", None)]
    return [*events, SlotSet("handoff_active", True), ConversationPaused()]


def closing_events(resolution: str, *, display_name: str) -> list[Event]:
    """Events that end a hand-off: a last message, then hand back (resume + listen) or end (restart)."""
    if resolution == "handback":
        return [
            staff_message(wording.HANDBACK_MESSAGE, display_name=display_name),
            ConversationResumed(),
            SlotSet("handoff_active", False),
            ActionExecuted(ACTION_LISTEN),
        ]
    return [
        staff_message(wording.END_MESSAGE, display_name=display_name),
        ConversationResumed(),
        SlotSet("handoff_active", False),
        ActionExecuted(ACTION_LISTEN),
        Restarted(),
    ]


def closing_text(resolution: str) -> str:
    """The victim-facing text of `closing_events`."""
    return wording.HANDBACK_MESSAGE if resolution == "handback" else wording.END_MESSAGE
