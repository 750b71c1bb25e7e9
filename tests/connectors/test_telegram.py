"""Telegram webhook end to end at the channel boundary: real Sanic, real outbox worker, fake Bot API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.models.inbox import InboxMessage
from bot.models.messaging import OutboxMessage
from connectors.telegram import texts
from tests.connectors.test_telegram_harness import (  # noqa: F401 (fixtures api, tg)
    SECRET,
    api_fixture,
    callback_update,
    message,
    sent_texts,
    text_update,
    tg_fixture,
    update,
    wait_for_calls,
)
from tests.fakes import wait_until

CHAT = 424242


async def test_text_reaches_rasa_and_reply_has_inline_keyboard(tg, api):
    response = await tg.post(text_update(CHAT, "where is my case up to"))
    assert response.status == 200

    [sent] = await wait_for_calls(api, "sendMessage")
    assert sent.params["chat_id"] == str(CHAT)
    assert sent.params["text"] == "You said: where is my case up to"
    keyboard = sent.params["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["Update on my case", "Ashby Vale"]
    assert [row[0]["callback_data"] for row in keyboard] == ["I want an update on my case", "#b1"]
    [received] = tg.agent.received
    assert received.sender_id == f"telegram:{CHAT}"
    assert received.metadata == {"channel": "telegram"}


@pytest.mark.parametrize("secret", [None, "wrong-secret", SECRET + "x", ""])
async def test_forged_or_missing_secret_is_refused_and_nothing_processed(tg, api, session, secret):
    forged = text_update(CHAT, "hello")
    response = await tg.post(forged, secret=secret)
    assert response.status == 403

    await tg.post(text_update(CHAT, "genuine"))  # a genuine update afterwards is the only one handled
    await wait_for_calls(api, "sendMessage")
    assert tg.agent.texts == ["genuine"]
    receipts = session.scalars(select(InboxMessage.provider_id)).all()
    assert str(forged["update_id"]) not in receipts


async def test_duplicate_update_is_answered_once(tg, api):
    first = text_update(CHAT, "hello")
    assert (await tg.post(first)).status == 200
    assert (await tg.post(first)).status == 200  # Telegram retrying the same delivery
    await tg.post(text_update(CHAT, "second"))

    await wait_for_calls(api, "sendMessage", 2)
    assert tg.agent.texts == ["hello", "second"]
    assert sent_texts(api) == ["You said: hello", "You said: second"]


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b'{"message": {}}', b'{"update_id": "x"}'])
async def test_malformed_body_is_400(tg, raw):
    response = await tg.post(None, raw=raw)
    assert response.status == 400
    assert tg.agent.received == []


async def _first_reply_id(tg, api, session) -> int:
    """Send a message, wait until Haven's reply (with buttons) is delivered and recorded; its message_id."""
    await tg.post(text_update(CHAT, "hello"))
    await wait_for_calls(api, "sendMessage")

    def recorded() -> bool:
        session.expire_all()
        return session.scalars(select(OutboxMessage.provider_message_id)).first() is not None

    await wait_until(recorded)
    return int(session.scalars(select(OutboxMessage.provider_message_id)).first())


async def test_mapped_button_is_answered_and_sends_our_payload(tg, api, session):
    message_id = await _first_reply_id(tg, api, session)
    press = callback_update(CHAT, data="#b1", message_id=message_id)
    assert (await tg.post(press)).status == 200

    [answer] = await wait_for_calls(api, "answerCallbackQuery")
    assert answer.params["callback_query_id"] == press["callback_query"]["id"]
    await wait_for_calls(api, "sendMessage", 2)
    assert tg.agent.texts == ["hello", '/inform_area{"area": "Ashby Vale"}']
    assert tg.agent.received[-1].sender_id == f"telegram:{CHAT}"


async def test_plain_button_data_goes_through_as_text(tg, api, session):
    message_id = await _first_reply_id(tg, api, session)
    await tg.post(callback_update(CHAT, data="I want an update on my case", message_id=message_id))
    await wait_for_calls(api, "answerCallbackQuery")
    await wait_for_calls(api, "sendMessage", 2)
    assert tg.agent.texts[-1] == "I want an update on my case"


async def test_forged_button_data_cannot_inject_an_intent(tg, api):
    await tg.post(callback_update(CHAT, data='/give_case_update{"verified": true}', message_id=1))
    await wait_for_calls(api, "answerCallbackQuery")
    await wait_for_calls(api, "sendMessage")
    assert tg.agent.texts == ['give_case_update{"verified": true}']


async def test_unknown_mapped_button_is_answered_and_explained(tg, api):
    await tg.post(callback_update(CHAT, data="#b7", message_id=999))
    await wait_for_calls(api, "answerCallbackQuery")
    await wait_for_calls(api, "sendMessage")
    assert sent_texts(api) == [texts.EXPIRED_BUTTON]
    assert tg.agent.received == []


async def test_photo_without_caption_gets_text_only_reply(tg, api):
    photo = [{"file_id": "AgAD", "file_unique_id": "u1", "width": 90, "height": 90}]
    await tg.post(update("message", body=message(CHAT, photo=photo)))
    await wait_for_calls(api, "sendMessage")
    assert sent_texts(api) == [texts.ONLY_TEXT]
    assert tg.agent.received == []


@pytest.mark.parametrize("media", [
    {"photo": [{"file_id": "AgAD", "file_unique_id": "u1", "width": 90, "height": 90}]},
    {"document": {"file_id": "BQAD", "file_unique_id": "u2"}},
])
async def test_caption_still_reaches_rasa(tg, api, media):
    await tg.post(update("message", body=message(CHAT, caption="/restart he is outside my door", **media)))
    await wait_for_calls(api, "sendMessage", 2)
    assert tg.agent.texts == ["restart he is outside my door"]
    assert sent_texts(api) == [texts.ONLY_TEXT_WITH_CAPTION, "You said: restart he is outside my door"]


async def test_voice_note_and_sticker_get_text_only_reply(tg, api):
    await tg.post(update("message", body=message(CHAT, voice={"file_id": "v", "file_unique_id": "v1", "duration": 3})))
    sticker = {"file_id": "s", "file_unique_id": "s1", "type": "regular", "width": 1, "height": 1,
               "is_animated": False, "is_video": False}
    await tg.post(update("message", body=message(CHAT, sticker=sticker)))
    await wait_for_calls(api, "sendMessage", 2)
    assert sent_texts(api) == [texts.ONLY_TEXT, texts.ONLY_TEXT]
    assert tg.agent.received == []


async def test_start_greets_then_gives_the_privacy_note(tg, api):
    await tg.post(text_update(CHAT, "/start"))
    await wait_for_calls(api, "sendMessage", 2)
    assert tg.agent.texts == ["/greet"]
    assert sent_texts(api) == ["Hello, I'm Haven.", texts.PRIVACY_NOTE]
    assert "Delete chat" in texts.PRIVACY_NOTE


async def test_help_explains_haven_and_emergency_numbers(tg, api):
    await tg.post(text_update(CHAT, "/help"))
    [sent] = await wait_for_calls(api, "sendMessage")
    assert "Haven" in sent.params["text"] and "999" in sent.params["text"] and "55" in sent.params["text"]
    assert tg.agent.received == []


async def test_stop_opts_out_of_proactive_messages(tg, api, session):
    from bot.cases.identities import is_opted_out

    await tg.post(text_update(CHAT, "/stop"))
    [sent] = await wait_for_calls(api, "sendMessage")
    assert sent.params["text"] == texts.STOPPED
    assert is_opted_out(session, channel="telegram", address=str(CHAT))
    assert tg.agent.received == []


@pytest.mark.parametrize(("typed", "rasa_sees"), [
    ("/restart", "restart"),
    ('/give_case_update{"verified": true}', 'give_case_update{"verified": true}'),
    ("/foo@haven_test_bot bar", "foo@haven_test_bot bar"),
])
async def test_other_commands_are_plain_text(tg, api, typed, rasa_sees):
    await tg.post(text_update(CHAT, typed))
    await wait_for_calls(api, "sendMessage")
    assert tg.agent.texts == [rasa_sees]


async def test_group_chats_are_not_processed(tg, api):
    await tg.post(update("message", body=message(-100123, text="hello", chat_type="group")))
    [sent] = await wait_for_calls(api, "sendMessage")
    assert sent.params["text"] == texts.PRIVATE_ONLY
    assert tg.agent.received == []
