"""Telegram with awkward messages, words after commands, edits and captions: all answered and all screened."""

from __future__ import annotations

import pytest

from bot.risk import screen
from connectors.pipeline.inbound_text import CUT_NOTICE, EMPTY_REPLY, MAX_READ_CHARS
from connectors.telegram import texts
from tests.connectors.bad_input_cases import DISGUISED, EMPTY, OVER, READ_AS, WHOLE
from tests.connectors.test_telegram_harness import (  # noqa: F401 (fixtures api, tg)
    api_fixture,
    message,
    sent_texts,
    text_update,
    tg_fixture,
    update,
    wait_for_calls,
)
from tests.fakes import wait_until

CHAT = 515151
PHOTO = [{"file_id": "AgAD", "file_unique_id": "u1", "width": 90, "height": 90}]


async def _rasa_texts(tg, count: int = 1) -> list[str]:
    await wait_until(lambda: len(tg.agent.received) >= count)
    return tg.agent.texts


@pytest.mark.parametrize(("typed", "read"), READ_AS)
async def test_awkward_text_reaches_rasa_cleaned_and_is_answered(tg, api, typed: str, read: str) -> None:
    await tg.post(text_update(CHAT, typed))
    await wait_for_calls(api, "sendMessage")
    assert tg.agent.texts == [read]
    assert sent_texts(api) == [f"You said: {read}"]


@pytest.mark.parametrize("typed", [pytest.param("", id="empty"), *EMPTY])
async def test_a_message_with_no_words_gets_a_clear_reply(tg, api, typed: str) -> None:
    await tg.post(text_update(CHAT, typed))
    await wait_for_calls(api, "sendMessage")
    assert sent_texts(api) == [EMPTY_REPLY]
    assert tg.agent.received == []


@pytest.mark.parametrize(("typed", "category"), DISGUISED)
async def test_disguised_disclosures_reach_rasa_in_a_form_the_screen_catches(tg, api, typed, category) -> None:
    await tg.post(text_update(CHAT, typed))
    [read] = await _rasa_texts(tg)
    assert screen(read).category == category


async def test_a_20000_character_message_reaches_rasa_whole(tg, api) -> None:
    await tg.post(text_update(CHAT, WHOLE))
    assert await _rasa_texts(tg) == [WHOLE]
    [first, *_rest] = await wait_for_calls(api, "sendMessage")
    assert first.params["text"].startswith("You said: ")


async def test_a_longer_message_is_cut_to_its_first_part_and_the_victim_is_told(tg, api) -> None:
    await tg.post(text_update(CHAT, OVER))
    assert await _rasa_texts(tg) == [OVER[:MAX_READ_CHARS].rstrip()]
    [first, *_rest] = await wait_for_calls(api, "sendMessage")
    assert first.params["text"] == CUT_NOTICE


@pytest.mark.parametrize(("typed", "read", "reply"), [
    ("/help he's here", "help he's here", texts.HELP),
    ("/help@haven_test_bot he's here", "help he's here", texts.HELP),
    ("/stop he's here", "stop he's here", texts.STOPPED),
])
async def test_words_after_help_or_stop_are_answered_and_screened(tg, api, typed, read, reply) -> None:
    await tg.post(text_update(CHAT, typed))
    await wait_for_calls(api, "sendMessage", 2)
    assert tg.agent.texts == [read]
    assert sent_texts(api) == [reply, f"You said: {read}"]


async def test_words_after_start_are_screened_instead_of_a_bare_greeting(tg, api) -> None:
    await tg.post(text_update(CHAT, "/start he is hitting me"))
    await wait_for_calls(api, "sendMessage", 2)
    assert tg.agent.texts == ["start he is hitting me"]
    assert sent_texts(api) == ["You said: start he is hitting me", texts.PRIVACY_NOTE]


async def test_an_edited_message_is_read_like_a_new_one(tg, api) -> None:
    original = message(CHAT, text="he is outside")
    await tg.post(update("message", body=original))
    await wait_for_calls(api, "sendMessage")
    edited = {**original, "text": "he is outside with a knife", "edit_date": original["date"] + 5}
    await tg.post(update("edited_message", body=edited))

    await wait_for_calls(api, "sendMessage", 2)
    assert tg.agent.texts == ["he is outside", "he is outside with a knife"]
    assert sent_texts(api)[-1] == "You said: he is outside with a knife"


async def test_an_edited_caption_is_read_too(tg, api) -> None:
    edited = {**message(CHAT, photo=PHOTO, caption="he put his hands\u00a0round my neck"), "edit_date": 1}
    await tg.post(update("edited_message", body=edited))
    await wait_for_calls(api, "sendMessage", 2)
    assert tg.agent.texts == ["he put his hands round my neck"]
    assert sent_texts(api)[0] == texts.ONLY_TEXT_WITH_CAPTION


async def test_an_edit_in_a_group_is_not_processed(tg, api) -> None:
    await tg.post(update("edited_message", body=message(-100777, text="hello", chat_type="group", edit_date=1)))
    await tg.post(text_update(CHAT, "later"))  # handled after the edit: the edit produced nothing
    await wait_for_calls(api, "sendMessage")
    assert tg.agent.texts == ["later"]
    assert sent_texts(api) == ["You said: later"]
