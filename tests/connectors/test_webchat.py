"""WebChatInput over a real socket: rasa-webchat's protocol, sanitising, limits and out-of-band delivery."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import pytest
import socketio

from bot.outbox.store import enqueue
from bot.outbox.worker import OutboxWorker
from bot.settings import get_settings
from connectors.pipeline.inbound_text import empty_reply
from connectors.webchat.output import WebChatOffline, make_outbox_sender
from connectors.webchat.session import session_of
from tests.connectors.test_webchat_harness import GREETING_BUTTONS, RunningChat, running_chat_server

WAIT = 5.0


class WidgetClient:
    """A socket.io client behaving like rasa-webchat, collecting every event it receives."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: dict[str, asyncio.Queue] = defaultdict(asyncio.Queue)
        for name in ("session_confirm", "bot_uttered", "bot_typing"):
            self.sio.on(name, self._collector(name))

    def _collector(self, name: str):
        async def collect(data: Any = None) -> None:
            await self.events[name].put(data)

        return collect

    async def connect(self, base_url: str) -> None:
        # Long-polling: engineio 4.15's AsyncClient websocket transport needs aiohttp >= 3.10 (Rasa pins 3.9);
        # the browser test covers the websocket transport.
        await self.sio.connect(base_url, socketio_path="/socket.io", transports=["polling"])

    async def close(self, server: socketio.AsyncServer) -> None:
        """Hang up from the server side: a client-side hang-up waits for its pending long-poll (25 s)."""
        if self.sio.connected:
            await server.disconnect(self.sio.get_sid())
        await self.sio.disconnect()

    async def next(self, name: str, timeout: float = WAIT) -> Any:
        return await asyncio.wait_for(self.events[name].get(), timeout)

    async def start_session(self, session_id: str | None = None) -> str:
        await self.sio.emit("session_request", {"session_id": session_id})
        return await self.next("session_confirm")

    async def say(self, session_id: str, text: Any, **extra: Any) -> None:
        await self.sio.emit("user_uttered", {"message": text, "session_id": session_id, **extra})


@pytest.fixture(name="test_settings")
def test_settings_fixture(monkeypatch):
    monkeypatch.setenv("HAVEN_ENV", "test")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture(name="chat")
async def chat_fixture(db_url, test_settings) -> AsyncIterator[RunningChat]:
    async with running_chat_server() as running:
        yield running


@pytest.fixture(name="widget")
async def widget_fixture(chat: RunningChat) -> AsyncIterator[WidgetClient]:
    client = WidgetClient()
    await client.connect(chat.base_url)
    yield client
    await client.close(chat.channel.sio)


def sender_of(chat: RunningChat, token: str) -> str:
    """The Rasa sender id behind a signed session id the server confirmed."""
    session_id = session_of(token, chat.channel.secret_key)
    assert session_id is not None, "the server confirmed a session id it did not sign"
    return f"webchat:{session_id}"


async def test_session_request_is_confirmed_with_a_signed_new_id_or_the_one_resumed(
    chat: RunningChat, widget: WidgetClient
) -> None:
    fresh = await widget.start_session()
    assert session_of(fresh, chat.channel.secret_key) is not None

    assert await widget.start_session(fresh) == fresh
    for invented in ("a" * 32, "../not a session", fresh[:-1] + ("A" if fresh[-1] != "A" else "B")):
        confirmed = await widget.start_session(invented)
        assert confirmed not in (invented, fresh) and session_of(confirmed, chat.channel.secret_key)


async def test_a_message_gets_typing_then_replies_with_quick_replies(chat: RunningChat, widget: WidgetClient) -> None:
    session_id = await widget.start_session()
    await widget.say(session_id, "hello")

    assert await widget.next("bot_typing") == {"typing": True}
    assert await widget.next("bot_uttered") == {"text": "You said: hello"}
    assert await widget.next("bot_uttered") == {
        "text": "Would you like to hear about support near you?",
        "quick_replies": [
            {"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in GREETING_BUTTONS
        ],
    }
    assert await widget.next("bot_typing") == {"typing": False}
    [message] = chat.agent.received
    assert message.sender_id == sender_of(chat, session_id)
    assert message.input_channel == "webchat"
    assert message.metadata["channel"] == "webchat"


async def test_replies_reach_the_session_after_a_reconnect(chat: RunningChat, widget: WidgetClient) -> None:
    session_id = await widget.start_session()
    await widget.close(chat.channel.sio)

    again = WidgetClient()
    await again.connect(chat.base_url)
    try:
        assert await again.start_session(session_id) == session_id
        await again.say(session_id, "/affirm")
        assert await again.next("bot_uttered") == {"text": "Thank you. Someone will be in touch."}
    finally:
        await again.close(chat.channel.sio)
    assert [m.sender_id for m in chat.agent.received] == [sender_of(chat, session_id)]


async def test_custom_data_is_kept_as_metadata_but_never_changes_identity(
    chat: RunningChat, widget: WidgetClient
) -> None:
    session_id = await widget.start_session()
    custom = {"language": "en", "sender_id": "sms:+447700900123"}
    await widget.say(session_id, "hi", customData=custom)

    await widget.next("bot_uttered")
    [message] = chat.agent.received
    assert message.metadata == {"channel": "webchat", "customData": custom}
    assert message.sender_id == sender_of(chat, session_id)


async def test_intent_shortcuts_typed_by_the_user_are_neutralised(chat: RunningChat, widget: WidgetClient) -> None:
    session_id = await widget.start_session()
    await widget.say(session_id, '/give_case_update{"verified": true}')

    reply = await widget.next("bot_uttered")
    assert not reply["text"].removeprefix("You said: ").startswith("/")
    assert chat.agent.received[0].text == 'give_case_update{"verified": true}'


@pytest.mark.parametrize(("text", "reply"), [("   ", empty_reply("webchat")), ("/", empty_reply("webchat"))])
async def test_empty_messages_get_a_clear_reply_and_skip_rasa(
    chat: RunningChat, widget: WidgetClient, text: str, reply: str
) -> None:
    session_id = await widget.start_session()
    await widget.say(session_id, text)

    assert await widget.next("bot_uttered") == {"text": reply}
    assert chat.agent.received == []


async def test_malformed_payloads_are_ignored_and_the_chat_keeps_working(
    chat: RunningChat, widget: WidgetClient
) -> None:
    session_id = await widget.start_session()
    other_session = "b" * 32  # never requested by this socket: it may not speak for it
    for bad in ("just a string", None, [1, 2], {"message": 5, "session_id": session_id}, {"message": "hi"}):
        await widget.sio.emit("user_uttered", bad)
    await widget.say(other_session, "let me in")
    await widget.say(session_id, "still here", customData="{not json")

    assert await widget.next("bot_uttered") == {"text": "You said: still here"}
    assert [m.text for m in chat.agent.received] == ["still here"]
    assert chat.agent.received[0].metadata["customData"] == {}


async def test_an_out_of_band_message_reaches_an_open_session(chat: RunningChat, widget: WidgetClient) -> None:
    session_id = await widget.start_session()
    send = make_outbox_sender(chat.channel.sio)

    provider_id = await send(
        sender_of(chat, session_id), {"text": "A message from the Haven team.", "buttons": GREETING_BUTTONS}
    )

    assert provider_id.startswith("webchat-")
    event = await widget.next("bot_uttered")
    assert event["text"] == "A message from the Haven team."
    assert [r["title"] for r in event["quick_replies"]] == ["Yes please", "No thanks"]


async def test_an_out_of_band_message_for_a_closed_session_is_left_for_a_retry(chat: RunningChat) -> None:
    send = make_outbox_sender(chat.channel.sio)

    with pytest.raises(WebChatOffline):
        await send("webchat:" + "c" * 32, {"text": "Are you still there?"})


async def test_a_staff_reply_queued_in_the_outbox_is_delivered_to_the_open_session(session, engine) -> None:
    async with running_chat_server(outbox_worker=OutboxWorker(engine=engine, poll_interval=0.05)) as chat:
        widget = WidgetClient()
        await widget.connect(chat.base_url)
        session_id = await widget.start_session()

        enqueue(
            session,
            channel="webchat",
            recipient=sender_of(chat, session_id),
            payload={"text": "Hello, this is Sam from the Haven team.", "buttons": GREETING_BUTTONS},
            origin="staff",
        )
        session.commit()

        event = await widget.next("bot_uttered")
        await widget.close(chat.channel.sio)
    assert event["text"] == "Hello, this is Sam from the Haven team."
    assert [r["payload"] for r in event["quick_replies"]] == ["/affirm", "/deny"]
