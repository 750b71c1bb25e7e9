"""The web chat with awkward messages: each is answered and reaches Rasa cleaned, never refused or dropped."""

from __future__ import annotations

import pytest

from bot.risk import screen
from connectors.pipeline.inbound_text import CUT_NOTICE, MAX_READ_CHARS, empty_reply
from connectors.webchat.channel import MAX_SOCKET_PAYLOAD_BYTES
from tests.connectors.bad_input_cases import DISGUISED, EMPTY, OVER, READ_AS, WHOLE
from tests.connectors.test_webchat import (  # noqa: F401 (fixtures "chat", "widget", "test_settings")
    WidgetClient,
    chat_fixture,
    test_settings_fixture,
    widget_fixture,
)
from tests.connectors.test_webchat_harness import RunningChat

OFFER = "Would you like to hear about support near you?"


async def _say(client: WidgetClient, text: str, replies: int) -> list[str]:
    """Send `text` in a new session; the texts of the first `replies` bot messages."""
    session_id = await client.start_session()
    await client.say(session_id, text)
    return [(await client.next("bot_uttered"))["text"] for _ in range(replies)]


@pytest.mark.parametrize(("typed", "read"), READ_AS)
async def test_awkward_text_reaches_rasa_cleaned_and_is_answered(chat: RunningChat, widget, typed, read) -> None:
    assert await _say(widget, typed, 2) == [f"You said: {read}", OFFER]
    assert [message.text for message in chat.agent.received] == [read]


@pytest.mark.parametrize("typed", [pytest.param("", id="empty"), *EMPTY])
async def test_a_message_with_no_words_gets_a_clear_reply(chat: RunningChat, widget, typed: str) -> None:
    assert await _say(widget, typed, 1) == [empty_reply("webchat")]
    assert chat.agent.received == []


@pytest.mark.parametrize(("typed", "category"), DISGUISED)
async def test_disguised_disclosures_reach_rasa_in_a_form_the_screen_catches(
    chat: RunningChat, widget: WidgetClient, typed: str, category: str
) -> None:
    await _say(widget, typed, 2)
    [message] = chat.agent.received
    assert screen(message.text).category == category


async def test_a_20000_character_message_reaches_rasa_whole(chat: RunningChat, widget) -> None:
    [first, *_rest] = await _say(widget, WHOLE, 2)
    assert first.startswith("You said: ")
    assert [message.text for message in chat.agent.received] == [WHOLE]


async def test_a_longer_paste_is_cut_to_its_first_part_and_the_victim_is_told(chat: RunningChat, widget) -> None:
    assert len(OVER.encode("utf-8")) < MAX_SOCKET_PAYLOAD_BYTES  # it arrives rather than being dropped
    replies = await _say(widget, OVER, 3)
    assert replies[0] == CUT_NOTICE and replies[2] == OFFER
    assert [message.text for message in chat.agent.received] == [OVER[:MAX_READ_CHARS].rstrip()]
