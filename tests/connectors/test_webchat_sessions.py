"""Web chat session takeover: only the signed id the server issued resumes a session; anything else starts afresh."""

from __future__ import annotations

import asyncio
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from connectors.webchat.session import MAX_AGE_SECONDS, SALT, issue, resume_or_issue, session_of
from tests.connectors.test_webchat import (  # noqa: F401 (fixtures "chat", "widget", "test_settings")
    WidgetClient,
    chat_fixture,
    sender_of,
    test_settings_fixture,
    widget_fixture,
)
from tests.connectors.test_webchat_harness import RunningChat

QUIET = 0.5  # how long a socket that must hear nothing is listened to


async def _second_browser(chat: RunningChat) -> WidgetClient:
    intruder = WidgetClient()
    await intruder.connect(chat.base_url)
    return intruder


async def _heard_nothing(client: WidgetClient, event: str = "bot_uttered") -> bool:
    try:
        await asyncio.wait_for(client.events[event].get(), QUIET)
    except asyncio.TimeoutError:
        return True
    return False


async def test_a_second_browser_with_the_victims_session_id_gets_a_new_empty_session(
    chat: RunningChat, widget: WidgetClient
) -> None:
    token = await widget.start_session()
    victim = sender_of(chat, token)
    victim_id = victim.removeprefix("webchat:")  # what staff, logs or a shoulder-surfer might see
    intruder = await _second_browser(chat)
    try:
        confirmed = await intruder.start_session(victim_id)
        assert sender_of(chat, confirmed) != victim

        await widget.say(token, "hello")  # the victim's replies go to the victim only
        assert (await widget.next("bot_uttered"))["text"] == "You said: hello"
        assert await _heard_nothing(intruder)

        await intruder.say(token, "let me in")  # the victim's signed id, not given to this socket
        await intruder.say(victim_id, "let me in")
        await intruder.say(confirmed, "my own session")
        assert (await intruder.next("bot_uttered"))["text"] == "You said: my own session"
    finally:
        await intruder.close(chat.channel.sio)
    assert [(m.sender_id, m.text) for m in chat.agent.received] == [
        (victim, "hello"),
        (sender_of(chat, confirmed), "my own session"),
    ]


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param(lambda _key: "0123456789abcdef0123456789abcdef", id="invented-plain-id"),
        pytest.param(lambda _key: issue("another-servers-secret-key-0123456789").token, id="signed-elsewhere"),
        pytest.param(lambda key: issue(key).token[:-2] + "xx", id="altered-signature"),
    ],
)
async def test_a_session_id_this_server_did_not_sign_starts_a_new_session(chat: RunningChat, widget, forged) -> None:
    token = forged(chat.channel.secret_key)
    confirmed = await widget.start_session(token)
    assert confirmed != token and session_of(confirmed, chat.channel.secret_key) is not None
    await widget.say(token, "hello")
    await widget.say(confirmed, "hello")
    await widget.next("bot_uttered")
    assert [m.sender_id for m in chat.agent.received] == [sender_of(chat, confirmed)]


def test_an_old_signed_id_is_not_resumed() -> None:
    key = "a-long-random-production-secret-value-0123456789"

    class Yesterday(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - MAX_AGE_SECONDS - 60

    old = URLSafeTimedSerializer(key, salt=SALT, signer=Yesterday).dumps("0123456789abcdef0123456789abcdef")
    assert session_of(old, key) is None
    assert resume_or_issue(old, key).resumed is False
    fresh = issue(key)
    assert resume_or_issue(fresh.token, key) == type(fresh)(fresh.session_id, fresh.token, resumed=True)


async def test_a_socket_speaks_only_for_the_session_it_was_last_given(chat: RunningChat, widget) -> None:
    first = await widget.start_session()
    second = await widget.start_session()  # e.g. the page asked again: the socket leaves the first session
    await widget.say(first, "to the first")
    await widget.say(second, "to the second")
    await widget.next("bot_uttered")
    assert [(m.sender_id, m.text) for m in chat.agent.received] == [(sender_of(chat, second), "to the second")]
