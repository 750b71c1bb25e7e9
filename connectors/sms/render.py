"""Render a Rasa bot message as SMS: numbered options, GSM-7 text, at most 10 segments per message."""

from __future__ import annotations

import re
from typing import Any

from connectors.sms.gsm import count_segments, to_gsm

MAX_SEGMENTS_PER_MESSAGE = 10
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+[\"')\]]*|\n|$)\s*")
_WORD = re.compile(r"\S+\s*")


def message_buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons (or quick replies) of a bot message that have a title."""
    buttons = payload.get("buttons") or payload.get("quick_replies") or []
    return [button for button in buttons if isinstance(button, dict) and button.get("title")]


def options_line(buttons: list[dict[str, Any]]) -> str:
    """ "Reply 1 for Yes or 2 for No." for the buttons, numbered from 1."""
    if not buttons:
        return ""
    choices = [f"{number} for {str(button['title']).strip()}" for number, button in enumerate(buttons, 1)]
    listed = choices[0] if len(choices) == 1 else ", ".join(choices[:-1]) + " or " + choices[-1]
    return f"Reply {listed}."


def render_text(payload: dict[str, Any]) -> str:
    """One SMS text for the whole bot message (before GSM-7 mapping and splitting)."""
    parts: list[str] = []
    if isinstance(payload.get("text"), str) and payload["text"].strip():
        parts.append(payload["text"].strip())
    custom = payload.get("custom")
    if isinstance(custom, dict) and isinstance(custom.get("text"), str):
        parts.append(custom["text"].strip())
    for element in payload.get("elements") or []:
        if isinstance(element, dict) and element.get("title"):
            parts.append(" - ".join(str(element[key]) for key in ("title", "subtitle") if element.get(key)))
    for key in ("image", "attachment"):
        if isinstance(payload.get(key), str):
            parts.append(payload[key])
    options = options_line(message_buttons(payload))
    if options:
        parts.append(options)
    return "\n\n".join(part for part in parts if part)


def _pieces(text: str) -> list[str]:
    """Sentences (with their trailing space); a sentence too long for one message is cut at words, then chars."""
    pieces: list[str] = []
    for sentence in (match.group(0) for match in _SENTENCE.finditer(text) if match.group(0)):
        if count_segments(sentence) <= MAX_SEGMENTS_PER_MESSAGE:
            pieces.append(sentence)
            continue
        for word in _WORD.findall(sentence):
            while count_segments(word) > MAX_SEGMENTS_PER_MESSAGE:
                cut = _longest_prefix(word)
                pieces.append(word[:cut])
                word = word[cut:]
            pieces.append(word)
    return pieces


def _longest_prefix(text: str) -> int:
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if count_segments(text[:middle]) <= MAX_SEGMENTS_PER_MESSAGE else (low, middle - 1)
    return low


def split_messages(text: str) -> list[str]:
    """`text` as few message bodies as possible, each at most 10 segments, breaking between sentences."""
    if count_segments(text) <= MAX_SEGMENTS_PER_MESSAGE:
        return [text] if text else []
    bodies: list[str] = []
    current = ""
    for piece in _pieces(text):
        candidate = current + piece
        if current and count_segments(candidate.rstrip()) > MAX_SEGMENTS_PER_MESSAGE:
            bodies.append(current.rstrip())
            current = piece
        else:
            current = candidate
    if current.strip():
        bodies.append(current.rstrip())
    return [body for body in bodies if body]


def render_bodies(payload: dict[str, Any]) -> list[str]:
    """The SMS bodies (usually one; Twilio concatenates its segments) for a bot message."""
    return split_messages(to_gsm(render_text(payload)))


def split_for_outbox(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Outbox splitter for "sms": one row per body, so each part is delivered (and retried) on its own."""
    bodies = render_bodies(payload)
    if len(bodies) <= 1:
        return [payload]
    parts: list[dict[str, Any]] = [{"text": body} for body in bodies]
    buttons = message_buttons(payload)
    if buttons:  # the options are numbered in the last part's text; kept so a reply "2" can be mapped
        parts[-1]["offered"] = buttons
    return parts
