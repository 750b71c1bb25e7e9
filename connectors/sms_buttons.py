"""Map an SMS reply "1", "2"... to the payload of the numbered option the bot just offered."""

from __future__ import annotations

import logging
import re
from typing import Any, Iterable

from rasa.shared.core.events import BotUttered, UserUttered

from connectors.sms_render import message_buttons

logger = logging.getLogger(__name__)
_NUMBER = re.compile(r"^\s*(\d{1,2})[.)]?\s*$")


def latest_buttons(events: Iterable[Any]) -> list[dict[str, Any]]:
    """Buttons of the newest bot message since the user last spoke (numbered as the SMS showed them)."""
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return []
        if isinstance(event, BotUttered):
            buttons = message_buttons(event.data or {})
            if buttons:
                return buttons
    return []


async def button_payload(agent: Any, sender_id: str, text: str) -> str | None:
    """The payload behind a numeric reply, or None when the text is not a valid option number."""
    match = _NUMBER.match(text or "")
    tracker_store = getattr(agent, "tracker_store", None)
    if not match or tracker_store is None:
        return None
    try:
        tracker = await tracker_store.retrieve(sender_id)
    except Exception as error:  # noqa: BLE001 - fall back to passing the digits as text
        logger.warning("could not read the tracker to map an option number: %s", type(error).__name__)
        return None
    buttons = latest_buttons(tracker.events) if tracker is not None else []
    index = int(match.group(1)) - 1
    if not 0 <= index < len(buttons):
        return None
    payload = buttons[index].get("payload") or buttons[index].get("title")
    return str(payload) if payload else None
