"""Where a conversation stands for staff: with staff, waiting for a person, to watch, or with the bot."""

from __future__ import annotations

from typing import Any

STATES = ("with_staff", "waiting", "watch", "bot")
STATE_LABELS = {"with_staff": "With staff", "waiting": "Waiting", "watch": "Watch", "bot": "Bot"}


def conversation_state(open_handoff: Any | None, *, watch: bool) -> str:
    """'with_staff' if an open hand-off is claimed, 'waiting' if open and unclaimed, 'watch' if flagged, else 'bot'."""
    if open_handoff is not None:
        return "with_staff" if open_handoff.claimed_by is not None else "waiting"
    return "watch" if watch else "bot"
