"""Rasa publishes each saved turn to Haven's event broker: every victim message is counted once in the live view,
and a more urgent risk raises a waiting hand-off; a failure there never stops the turn being stored."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select, text

from bot.handoff.event_broker import HavenEventBroker
from bot.handoff.queue import active_handoff
from bot.models.live import LiveConversation
from bot.tracker_store import HavenTrackerStore
from tests.handoff.factories import make_handoff

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
SENDER = "telegram:555001"
UNCERTAIN = {"escalate": False, "level": None, "category": "self_harm", "score": 0.35, "band": "uncertain"}
THREAT = {"escalate": True, "level": "imminent", "category": "domestic_abuse", "matched": ["x"]}


@pytest.fixture
def broker() -> HavenEventBroker:
    return HavenEventBroker()


@pytest.fixture
def store(db_url, broker) -> HavenTrackerStore:
    return HavenTrackerStore(domain=Domain.load(str(DOMAIN_FILE)), event_broker=broker)


def said(text_: str, risk: dict | None = None, channel: str | None = None) -> UserUttered:
    return UserUttered(text_, parse_data={"intent": {"name": "inform"}, "risk": risk or {}}, input_channel=channel)


async def save_events(store: HavenTrackerStore, sender_id: str, events: list) -> None:
    tracker = await store.retrieve(sender_id) or DialogueStateTracker(sender_id, store.domain.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)
    await store.event_broker.flush()


def live_row(session, sender_id: str = SENDER) -> LiveConversation | None:
    session.expire_all()
    return session.scalar(select(LiveConversation).where(LiveConversation.sender_id == sender_id))


async def test_each_user_message_is_recorded_once_across_saves(store, session):
    await save_events(store, SENDER, [ActionExecuted("action_listen"), said("hello"), BotUttered("Hi!")])
    await save_events(store, SENDER, [said("I sometimes think about hurting myself", UNCERTAIN)])
    await save_events(store, SENDER, [BotUttered("Are you safe right now?")])  # no new user message
    saved = live_row(session)
    assert (saved.channel, saved.message_count, saved.watch, saved.last_risk_band) == ("telegram", 2, True, "uncertain")
    assert (saved.max_risk_score, saved.max_risk_category) == (0.35, "self_harm")


async def test_messages_after_a_new_session_are_counted_too(store, session):
    await save_events(store, SENDER, [ActionExecuted("action_listen"), said("first"), said("second")])
    await save_events(store, SENDER, [SessionStarted(), ActionExecuted("action_listen"), said("back again")])
    await save_events(store, SENDER, [said("still here")])  # the retrieved tracker now holds only this session
    assert live_row(session).message_count == 4


async def test_a_risk_while_waiting_is_counted_and_raises_the_hand_off(store, session):
    handoff = make_handoff(session, SENDER, level="normal")
    await save_events(store, SENDER, [ActionExecuted("action_listen"), said("help")])
    await save_events(store, SENDER, [said("he's back", THREAT)])
    saved = live_row(session)
    assert (saved.message_count, saved.max_risk_score, saved.max_risk_category) == (2, 1.0, "domestic_abuse")
    session.expire_all()
    raised = active_handoff(session, sender_id=SENDER)
    assert (raised.id, raised.level, raised.priority, raised.category) == (handoff.id, "imminent", 0, "domestic_abuse")


async def test_a_sender_without_a_channel_prefix_takes_the_input_channel(store, session):
    await save_events(store, "me", [ActionExecuted("action_listen"), said("hi", channel="rest")])
    assert live_row(session, "me").channel == "rest"


async def test_a_live_summary_failure_is_logged_without_personal_data_and_the_turn_is_still_stored(
    store, engine, session, caplog
):
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE live_conversations"))
    with caplog.at_level(logging.INFO):
        await save_events(store, SENDER, [ActionExecuted("action_listen"), said("my address is 1 Elm Road")])
    stored = await store.retrieve(SENDER)
    assert [event.text for event in stored.events if isinstance(event, UserUttered)] == ["my address is 1 Elm Road"]
    failures = [record for record in caplog.records if "live view" in record.getMessage()]
    assert len(failures) == 1 and failures[0].levelno == logging.ERROR
    assert "Elm Road" not in caplog.text and "555001" not in caplog.text


async def test_without_a_broker_saving_only_stores(db_url, session):
    plain = HavenTrackerStore(domain=Domain.load(str(DOMAIN_FILE)))
    await save_events_plain(plain, [ActionExecuted("action_listen"), said("hello")])
    assert live_row(session) is None
    assert [type(event).__name__ for event in (await plain.retrieve(SENDER)).events][-1] == "UserUttered"


async def save_events_plain(store: HavenTrackerStore, events: list) -> None:
    tracker = DialogueStateTracker(SENDER, store.domain.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)
