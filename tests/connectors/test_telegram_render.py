"""Rendering bot messages for Telegram: text chunks, inline keyboards, callback data."""

from __future__ import annotations

from connectors.telegram.render import (
    MAX_CALLBACK_BYTES,
    callback_data_for,
    mapped_index,
    render_keyboard,
    split_text,
)
from connectors.telegram.sender import split_for_telegram


def test_typeable_payload_is_its_own_callback_data():
    assert callback_data_for(0, "/affirm") == "/affirm"
    assert callback_data_for(2, "Find support") == "Find support"


def test_other_payloads_become_a_short_index():
    assert callback_data_for(1, '/inform_area{"area": "Ashby Vale"}') == "#b1"
    assert callback_data_for(3, "x" * 65) == "#b3"
    assert callback_data_for(4, "é" * 40) == "#b4"  # 80 bytes
    assert callback_data_for(5, "#b0") == "#b5"
    assert mapped_index("#b12") == 12
    assert mapped_index("Find support") is None


def test_keyboard_one_button_per_row_within_telegram_limits():
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "Long", "payload": "/x" + "{}" * 60}]
    keyboard = render_keyboard(buttons).to_dict()["inline_keyboard"]
    assert [[button["text"] for button in row] for row in keyboard] == [["Yes"], ["Long"]]
    assert all(len(row[0]["callback_data"].encode()) <= MAX_CALLBACK_BYTES for row in keyboard)
    assert render_keyboard([]) is None


def test_long_text_splits_at_word_breaks():
    text = ("word " * 2000).strip()
    chunks = split_text(text, limit=4000)
    assert all(len(chunk) <= 4000 for chunk in chunks)
    assert " ".join(chunks) == text


def test_long_message_keeps_buttons_on_the_last_part():
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    parts = split_for_telegram({"text": "a " * 3000, "buttons": buttons})
    assert len(parts) == 2
    assert "buttons" not in parts[0] and parts[1]["buttons"] == buttons
    assert split_for_telegram({"text": "short", "buttons": buttons}) == [{"text": "short", "buttons": buttons}]
