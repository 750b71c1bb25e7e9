"""Check what a browser sends over socket.io before any of it reaches Rasa."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.settings import Settings
from connectors.webchat.session import MAX_TOKEN_CHARS

CHANNEL = "webchat"
MAX_CUSTOM_DATA_CHARS = 2000
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})



@dataclass(frozen=True)
class InboundText:
    """One well-formed `user_uttered` event (its session token is checked against the socket's session)."""

    session_token: str
    text: str
    custom_data: dict[str, Any] = field(default_factory=dict)


def requested_token(data: Any) -> str | None:
    """The signed session id a `session_request` asks to resume, if it sent one."""
    token = data.get("session_id") if isinstance(data, dict) else None
    return token if isinstance(token, str) and 0 < len(token) <= MAX_TOKEN_CHARS else None


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
    token, message = requested_token(data), data.get("message")
    if token is None or not isinstance(message, str):
        return None
    return InboundText(session_token=token, text=message, custom_data=custom_data_of(data.get("customData")))


def origin_allowed(origin: str | None, settings: Settings) -> bool:
    """Whether a browser page at `origin` may open a socket (non-browser clients send none)."""
    if not origin:
        return True
    if origin.rstrip("/") == settings.public_base_url:
        return True
    if settings.is_development:
        return (urlsplit(origin).hostname or "") in LOCAL_HOSTS
    return False
