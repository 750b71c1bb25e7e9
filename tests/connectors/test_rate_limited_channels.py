"""Rate limits on the victim channels: a flood is kept in the conversation without replies, the sender is told
once to wait (with 999), a disclosure still goes through, and STOP always works."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered

from bot.settings import get_settings
from connectors.pipeline.rate_gate import HELD_FLAG, WAIT_NOTICE
from connectors.sms.keywords import STOP_REPLY
from tests.connectors.test_telegram_harness import (  # noqa: F401 (fixture "api")
    api_fixture,
    running_telegram_server,
    sent_texts,
    text_update,
    wait_for_calls,
)
from tests.connectors.test_twilio_sms import VICTIM, SmsHarness, fake_twilio_fixture, sms_fixture  # noqa: F401
from tests.connectors.test_webchat import WidgetClient, sender_of
from tests.connectors.test_webchat_harness import RunningChat, running_chat_server
from tests.fakes import wait_until

DISCLOSURE = "he put his hands round my neck"
CHAT = 626262


@pytest.fixture(name="two_a_minute")
def two_a_minute_fixture(monkeypatch) -> None:
    monkeypatch.setenv("HAVEN_RATE_LIMIT_SENDER", "2/m")
    get_settings.cache_clear()


async def _kept(agent, sender_id: str) -> list[tuple[str, bool]]:
    """(text, held) of every victim message in the conversation."""
    tracker = await agent.tracker_store.retrieve(sender_id)
    events = tracker.events if tracker is not None else []
    return [(e.text, bool((e.metadata or {}).get(HELD_FLAG))) for e in events if isinstance(e, UserUttered)]


async def _kept_once_handled(agent, sender_id: str, count: int, timeout: float = 30.0) -> list[tuple[str, bool]]:
    """The kept messages once `count` are in the conversation (the inbox handles them one after another)."""
    deadline = asyncio.get_running_loop().time() + timeout
    kept = await _kept(agent, sender_id)
    while len(kept) < count and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
        kept = await _kept(agent, sender_id)
    return kept


async def test_an_sms_flood_is_kept_told_to_wait_once_and_a_disclosure_still_goes_through(
    two_a_minute, sms: SmsHarness  # the limit first: the channel reads it when it starts
) -> None:
    for text in ("first", "second", "third", "fourth"):
        assert (await sms.text_in(text))[0] == 200  # Twilio always gets its 200: nothing is lost on the way
    await wait_until(lambda: len(sms.fake.received) >= 3, timeout=60)  # the first screening loads the phrases
    sender = f"sms:{VICTIM}"
    assert [m.text for m in sms.agent.received] == ["first", "second"]
    bodies = [message["Body"] for message in sms.fake.received]
    assert bodies.count(WAIT_NOTICE) == 1 and "999" in WAIT_NOTICE  # told once, not once per message
    kept = await _kept_once_handled(sms.agent, sender, 4)
    assert kept == [("first", False), ("second", False), ("third", True), ("fourth", True)]

    assert (await sms.text_in(DISCLOSURE))[0] == 200
    await sms.agent.wait_for(3)
    assert sms.agent.received[-1].text == DISCLOSURE  # the risk screen sees it and escalates as usual

    assert (await sms.text_in("STOP"))[0] == 200
    await wait_until(lambda: any(message["Body"] == STOP_REPLY for message in sms.fake.received))


async def test_a_telegram_flood_is_kept_and_told_to_wait_once(api, two_a_minute) -> None:
    async with running_telegram_server() as tg:
        tg.agent.tracker_store = InMemoryTrackerStore(Domain.empty())
        for text in ("first", "second", "third", "fourth"):
            assert (await tg.post(text_update(CHAT, text))).status == 200
        await wait_until(lambda: len(api.calls_to("sendMessage")) >= 3, timeout=60)
        await wait_until(lambda: len(tg.agent.received) == 2)
        assert await _kept_once_handled(tg.agent, f"telegram:{CHAT}", 2) == [("third", True), ("fourth", True)]
        assert sent_texts(api).count(WAIT_NOTICE) == 1
        assert (await tg.post(text_update(CHAT, DISCLOSURE))).status == 200
        await wait_until(lambda: len(tg.agent.received) == 3)
        assert tg.agent.texts[-1] == DISCLOSURE


@pytest.fixture(name="chat")
async def limited_chat(db_url, monkeypatch, two_a_minute) -> AsyncIterator[RunningChat]:
    monkeypatch.setenv("HAVEN_ENV", "test")
    monkeypatch.setenv("HAVEN_RATE_LIMIT_ADDRESS", "6/m")
    get_settings.cache_clear()
    async with running_chat_server() as running:
        running.agent.tracker_store = InMemoryTrackerStore(Domain.empty())
        yield running


async def test_a_web_chat_flood_is_kept_and_one_address_cannot_open_endless_sessions(chat: RunningChat) -> None:
    widget = WidgetClient()
    await widget.connect(chat.base_url)
    try:
        token = await widget.start_session()  # 1 request from this address
        for text in ("first", "second", "third"):  # 3 more: the third is over the sender's limit
            await widget.say(token, text)
        # the first screening of a held message loads the risk model: allow for it
        texts = [(await widget.next("bot_uttered", timeout=60))["text"] for _ in range(5)]
        assert texts.count(WAIT_NOTICE) == 1 and "You said: third" not in texts
        assert await _kept(chat.agent, sender_of(chat, token)) == [("third", True)]

        for _ in range(2):  # requests 5 and 6 from this address
            await widget.start_session()
        await widget.sio.emit("session_request", {"session_id": None})  # the 7th: over the address's limit
        assert (await widget.next("bot_uttered"))["text"] == WAIT_NOTICE
        assert widget.events["session_confirm"].empty()
    finally:
        await widget.close(chat.channel.sio)
    assert [m.text for m in chat.agent.received] == ["first", "second"]


@pytest.fixture(name="three_per_address")
def three_per_address_fixture(monkeypatch) -> None:
    monkeypatch.setenv("HAVEN_RATE_LIMIT_ADDRESS", "3/m")
    get_settings.cache_clear()


async def test_forged_telegram_updates_are_limited_per_address_genuine_ones_are_not(api, three_per_address) -> None:
    async with running_telegram_server() as tg:
        forged = [(await tg.post(text_update(CHAT, "hi"), secret="wrong")).status for _ in range(5)]
        genuine = [(await tg.post(text_update(CHAT + n, "hi"))).status for n in range(5)]
    assert forged == [403, 403, 403, 429, 429]
    assert genuine == [200] * 5  # all of Telegram's deliveries come from its servers: never limited by address


async def test_forged_sms_webhooks_are_limited_per_address(three_per_address, sms: SmsHarness) -> None:
    statuses = [(await sms.post("/webhooks/twilio_sms/webhook", {"From": VICTIM}, signature="forged"))[0]
                for _ in range(5)]
    assert statuses == [403, 403, 403, 429, 429]
    assert [(await sms.text_in(f"genuine {n}", sender=f"+4477009001{n:02d}"))[0] for n in range(5)] == [200] * 5
