"""Check what a browser sends over socket.io before any of it reaches Rasa."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.settings import Settings

CHANNEL = "webchat"
# Session ids are minted by the server (uuid4 hex); a client may only bring back one of that shape.
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_CUSTOM_DATA_CHARS = 2000
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

EMPTY_REPLY = "I didn't receive any words. Please type your message and press Send."


@dataclass(frozen=True)
class InboundText:
    """One well-formed `user_uttered` event."""

    session_id: str
    text: str
    custom_data: dict[str, Any] = field(default_factory=dict)


def new_session_id() -> str:
    """A fresh, unguessable session id."""
    return uuid.uuid4().hex


def valid_session_id(value: Any) -> str | None:
    """The value if it has the shape of a session id, else None."""
    if isinstance(value, str) and _SESSION_ID.match(value):
        return value
    return None


def requested_session_id(data: Any) -> str | None:
    """The session id a `session_request` asks to resume, if it is a valid one."""
    if isinstance(data, dict):
        return valid_session_id(data.get("session_id"))
    return None


def custom_data_of(raw: Any) -> dict[str, Any]:
    """rasa-webchat's `customData` as a small JSON object, or {} (it is context, never identity)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    if not isinstance(raw, dict):
        return {}
    try:
        encoded = json.dumps(raw)
    except (TypeError, ValueError):
        return {}
    return raw if len(encoded) <= MAX_CUSTOM_DATA_CHARS else {}


def parse_user_uttered(data: Any) -> InboundText | None:
    """The event's fields, or None when it is malformed (then it is ignored)."""
    if not isinstance(data, dict):
        return None
    session_id = valid_session_id(data.get("session_id"))
    message = data.get("message")
    if session_id is None or not isinstance(message, str):
        return None
    return InboundText(session_id=session_id, text=message, custom_data=custom_data_of(data.get("customData")))


def origin_allowed(origin: str | None, settings: Settings) -> bool:
    """Whether a browser page at `origin` may open a socket (non-browser clients send none)."""
    if not origin:
        return True
    if origin.rstrip("/") == settings.public_base_url:
        return True
    if settings.is_development:
        return (urlsplit(origin).hostname or "") in LOCAL_HOSTS
    return False
