"""Render a Rasa bot message for Telegram: plain-text chunks and an inline keyboard of buttons."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from connectors.pipeline.inbound_text import prepare_typed_text

MAX_TEXT_CHARS = 4000  # Telegram allows 4096; keep a margin
MAX_CALLBACK_BYTES = 64
MAPPED_PREFIX = "#b"  # callback data "#b<index>": the payload is looked up in the outbox row of that message


def split_text(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """`text` cut into chunks Telegram accepts, at paragraph, line or word breaks where possible."""
    chunks: list[str] = []
    remaining = text.strip()
    while len(remaining) > limit:
        window = remaining[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = limit
        chunks.append(remaining[:cut].rstrip())
        remaining = remaining[cut:].lstrip()
    if remaining:
        chunks.append(remaining)
    return chunks


def callback_data_for(index: int, payload: str) -> str:
    """The payload itself when typed text reads exactly as it (and it fits), else a short index to map back."""
    fits = len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES
    if fits and payload and prepare_typed_text(payload).text == payload and not payload.startswith("#"):
        return payload
    return f"{MAPPED_PREFIX}{index}"


def mapped_index(data: str) -> int | None:
    """The button index of mapped callback data ("#b2" -> 2), or None when the data is the payload itself."""
    if data.startswith(MAPPED_PREFIX) and data[len(MAPPED_PREFIX):].isdigit():
        return int(data[len(MAPPED_PREFIX):])
    return None


def render_keyboard(buttons: list[dict[str, Any]] | None) -> InlineKeyboardMarkup | None:
    """One button per row (titles can be long); None when there are no buttons."""
    rows = []
    for index, button in enumerate(buttons or []):
        title = str(button.get("title") or button.get("payload") or "").strip()
        payload = str(button.get("payload") or title)
        if title:
            rows.append([InlineKeyboardButton(title, callback_data=callback_data_for(index, payload))])
    return InlineKeyboardMarkup(rows) if rows else None


def message_buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons (or quick replies) of a bot message, in the order their indexes refer to."""
    buttons = payload.get("buttons") or payload.get("quick_replies") or []
    return [button for button in buttons if isinstance(button, dict)]


def message_text(payload: dict[str, Any]) -> str:
    """The text of a bot message, with an image or attachment link appended as plain text."""
    parts = [str(payload.get("text") or "").strip()]
    for key in ("image", "attachment"):
        if isinstance(payload.get(key), str):
            parts.append(payload[key])
    return "\n\n".join(part for part in parts if part)
