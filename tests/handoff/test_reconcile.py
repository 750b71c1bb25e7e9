"""Lost escalations (the action failed) are queued, alerted and told once, in one step; the rest is left alone."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.core.lock_store import InMemoryLockStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from bot.console.alerts import open_alerts
from bot.handoff.queue import active_handoff, list_queue, open_handoff
from bot.handoff.reconcile import ScanFloor, reconcile_once
from bot.handoff.recovery import recovery_loop
from bot.models import OutboxMessage
from bot.settings import get_settings
from bot.tracker_store import HavenTrackerStore

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
SENDER = "sms:+447700900321"
THREAT = {"escalate": True, "level": "high", "category": "threat_to_life", "matched": ["x"]}
OFF_DUTY_START = "Nobody from our team is working now."
ASK_CONTACT_LATER = "Is it safe for us to message you here later?"
NEVER_OPEN = f"{(datetime.now(timezone.utc) + timedelta(days=2)):%a} 09:00-10:00"  # not today: off duty all day


@pytest.fixture
def agent(db_url, monkeypatch) -> Agent:
    """A Rasa agent whose tracker store is the test database (as in the Rasa server); nobody on duty."""
    monkeypatch.setenv("HAVEN_GATEWAY_HOURS", NEVER_OPEN)
    get_settings.cache_clear()
    domain = Domain.load(str(DOMAIN_FILE))
    return Agent(domain=domain, tracker_store=HavenTrackerStore(domain=domain), lock_store=InMemoryLockStore())


def said(text: str, risk: dict | None, *, at: float, intent: str = "risk_disclosure") -> UserUttered:
    parse_data = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": text}
    if risk is not None:
        parse_data["risk"] = risk
    return UserUttered(text, intent=parse_data["intent"], parse_data=parse_data, timestamp=at)


def failed_escalation(at: float) -> list:
    """What Rasa stores when action_escalate fails: the advice went out, the action left no events."""
    return [
        ActionExecuted("action_listen", timestamp=at - 1),
        said("he said he will kill me tonight", THREAT, at=at),
        ActionExecuted("utter_safety_advice", timestamp=at + 0.05),
        BotUttered("In an emergency call 999 ...", timestamp=at + 0.1),
        ActionExecuted("action_escalate", timestamp=at + 0.2),
        ActionExecuted("action_listen", timestamp=at + 0.3),
    ]


async def seed(agent: Agent, sender_id: str, events: list) -> None:
    tracker = await agent.tracker_store.retrieve(sender_id)
    tracker = tracker or DialogueStateTracker(sender_id, agent.domain.slots)
    for event in events:
        tracker.update(event)
    await agent.tracker_store.save(tracker)


def naive(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).replace(tzinfo=None)


def queued_texts(session) -> list[tuple[str, str, str]]:
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [(row.channel, row.recipient, row.payload.get("text", "")) for row in rows]


async def test_lost_escalation_is_queued_alerted_and_the_victim_told(agent, session):
    await seed(agent, SENDER, failed_escalation(time.time() - 30))

    assert await reconcile_once(agent) == 1

    [item] = list_queue(session)
    assert (item.sender_id, item.reason, item.level, item.category, item.channel, item.status) == (
        SENDER, "risk", "high", "threat_to_life", "sms", "waiting",
    )  # fmt: skip
    [alert] = open_alerts(session)
    assert alert["kind"] == "escalation recovered"
    assert f"handoff: {item.id}" in alert["detail"] and "threat_to_life" in alert["detail"]
    assert "+447700900321" not in alert["detail"]
    tracker = await agent.tracker_store.retrieve(SENDER)
    [(channel, recipient, text), (_, _, question)] = queued_texts(session)
    assert (channel, recipient) == ("sms", "+447700900321") and text.startswith(OFF_DUTY_START)
    assert question.startswith(ASK_CONTACT_LATER)
    assert [event.text for event in tracker.events if isinstance(event, BotUttered)][-2:] == [text, question]


async def test_a_lost_escalation_after_saying_no_to_are_you_safe_is_recovered_too(agent, session):
    at = time.time() - 30
    unsure = {"escalate": False, "band": "uncertain", "category": "stalking"}
    await seed(agent, SENDER, [
        said("he keeps turning up", unsure, at=at - 20, intent="risk_uncertain"),
        SlotSet("risk_category", "stalking", timestamp=at - 19.9),
        ActionExecuted("action_safety_check", timestamp=at - 19.8),
        ActionExecuted("action_listen", timestamp=at - 19.7),
        said("no", None, at=at, intent="deny"),
        ActionExecuted("utter_safety_advice", timestamp=at + 0.05),
        BotUttered("In an emergency call 999 ...", timestamp=at + 0.1),
        ActionExecuted("action_escalate", timestamp=at + 0.2),
    ])  # fmt: skip

    assert await reconcile_once(agent) == 1
    [item] = list_queue(session)
    assert (item.reason, item.level, item.category) == ("risk", "high", "stalking")
    assert len(queued_texts(session)) == 2  # what to do now and the contact question: the advice went out before


async def test_advice_never_sent_because_the_session_start_failed_too_goes_out_first(agent, session):
    at = time.time() - 30
    await seed(agent, SENDER, [  # a new conversation: the custom action_session_start failed as well
        ActionExecuted("action_session_start", timestamp=at - 0.1),
        said("he said he will kill me tonight", THREAT, at=at),
        *[ActionExecuted("action_default_fallback", timestamp=at + step / 10) for step in range(1, 4)],
    ])  # fmt: skip

    assert await reconcile_once(agent) == 1
    [(_, _, advice), (_, _, next_steps), (_, _, question)] = queued_texts(session)
    assert advice.startswith("In an emergency call 999") and "Threats to kill or hurt you are a crime." in advice
    assert "Others may read this phone" in advice  # an SMS conversation
    assert next_steps.startswith(OFF_DUTY_START) and question.startswith(ASK_CONTACT_LATER)
    tracker = await agent.tracker_store.retrieve(SENDER)
    assert [event.text for event in tracker.events if isinstance(event, BotUttered)] == [advice, next_steps, question]


async def test_running_twice_opens_one_handoff_one_alert_and_tells_once(agent, session):
    await seed(agent, SENDER, failed_escalation(time.time() - 30))

    assert await reconcile_once(agent, ScanFloor()) == 1
    assert await reconcile_once(agent, ScanFloor()) == 0

    assert len(list_queue(session)) == 1
    assert len(open_alerts(session)) == 1
    assert len(queued_texts(session)) == 2
    tracker = await agent.tracker_store.retrieve_full_tracker(SENDER)
    assert sum(isinstance(event, BotUttered) for event in tracker.events) == 3  # the advice, then what happens next


async def test_messages_that_did_not_escalate_are_ignored(agent, session):
    now = time.time() - 30
    await seed(agent, "rest:calm", [said("hello", None, at=now, intent="greet")])
    unsure = {"escalate": False, "level": None}
    await seed(agent, "rest:worried", [said("is this safe", unsure, at=now, intent="risk_uncertain")])
    await seed(agent, "rest:odd", [said("he hit me", {"escalate": False}, at=now)])

    assert await reconcile_once(agent) == 0
    assert list_queue(session) == [] and open_alerts(session) == []


async def test_an_escalation_that_was_handed_off_is_left_alone(agent, session):
    at = time.time() - 30
    await seed(agent, SENDER, failed_escalation(at)[:4])
    open_handoff(session, sender_id=SENDER, channel="sms", reason="risk", level="high")  # by action_escalate
    session.commit()

    assert await reconcile_once(agent) == 0
    assert len(list_queue(session)) == 1 and open_alerts(session) == [] and queued_texts(session) == []


async def test_an_escalation_staff_already_closed_is_not_reopened(agent, session):
    at = time.time() - 300
    await seed(agent, SENDER, failed_escalation(at)[:4])
    handoff = open_handoff(session, sender_id=SENDER, channel="sms", reason="risk", level="high")
    handoff.created_at, handoff.status, handoff.closed_at = naive(at + 0.4), "closed", naive(at + 200)
    session.commit()

    assert await reconcile_once(agent) == 0
    assert list_queue(session) == [] and open_alerts(session) == []


async def test_a_risk_told_while_already_waiting_at_that_level_is_left_alone(agent, session):
    at = time.time() - 30
    handoff = open_handoff(session, sender_id=SENDER, channel="sms", reason="requested", level="high")
    handoff.created_at = naive(at - 60)
    session.commit()
    await seed(agent, SENDER, [said("he is here", THREAT, at=at)])

    assert await reconcile_once(agent) == 0
    assert open_alerts(session) == [] and queued_texts(session) == []


async def test_a_priority_raise_the_event_broker_missed_is_made_without_a_second_handoff(agent, session):
    at = time.time() - 30
    handoff = open_handoff(session, sender_id=SENDER, channel="sms", reason="requested")
    handoff.created_at = naive(at - 60)
    session.commit()
    await seed(agent, SENDER, [said("he is here", THREAT, at=at)])  # saved without a broker: nothing raised it

    assert await reconcile_once(agent) == 1
    session.expire_all()
    raised = active_handoff(session, sender_id=SENDER)
    assert (raised.id, raised.level, raised.category) == (handoff.id, "high", "threat_to_life")
    assert len(list_queue(session)) == 1 and open_alerts(session) == [] and queued_texts(session) == []
    assert await reconcile_once(agent) == 0


async def test_a_handoff_closed_before_the_escalation_does_not_count(agent, session):
    at = time.time() - 30
    old = open_handoff(session, sender_id=SENDER, channel="sms", reason="requested")
    old.created_at, old.status, old.closed_at = naive(at - 600), "closed", naive(at - 300)
    session.commit()
    await seed(agent, SENDER, failed_escalation(at))

    assert await reconcile_once(agent) == 1
    [item] = list_queue(session)
    assert item.id != old.id and item.reason == "risk"


async def test_a_handoff_recorded_before_the_action_died_is_complete_as_it_is(agent, session):
    at = time.time() - 30
    await seed(agent, SENDER, failed_escalation(at))
    open_handoff(session, sender_id=SENDER, channel="sms", reason="risk", level="high")  # then the action died
    session.commit()

    assert await reconcile_once(agent) == 0  # the row is the hand-off: the bot already listens
    assert len(list_queue(session)) == 1 and open_alerts(session) == [] and queued_texts(session) == []


async def test_a_recovery_is_one_step_a_failure_inside_it_leaves_nothing_half_done(agent, session, monkeypatch):
    await seed(agent, SENDER, failed_escalation(time.time() - 30))

    def broken_enqueue(*args, **kwargs):
        raise RuntimeError("crash between the hand-off row and telling the victim")

    monkeypatch.setattr("bot.handoff.reconcile.enqueue", broken_enqueue)
    floor = ScanFloor()
    assert await reconcile_once(agent, floor) == 0
    assert list_queue(session) == [] and open_alerts(session) == []  # rolled back with it
    assert len((await agent.tracker_store.retrieve(SENDER)).events) == len(failed_escalation(0))

    monkeypatch.undo()
    assert await reconcile_once(agent, floor) == 1  # the next pass finds it again
    assert len(list_queue(session)) == 1 and len(open_alerts(session)) == 1 and len(queued_texts(session)) == 2


async def test_a_database_outage_is_retried_until_it_works(agent, session, monkeypatch, tmp_path, caplog):
    await seed(agent, SENDER, failed_escalation(time.time() - 30))
    good_url = get_settings().database_url
    stop, passes = asyncio.Event(), []

    def agent_of() -> Agent:
        passes.append(1)
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}" if len(passes) == 1 else good_url)
        get_settings.cache_clear()  # pass 1: Haven's database can't be opened; pass 2: it is back
        if len(passes) == 3:
            stop.set()
        return agent

    with caplog.at_level(logging.INFO, logger="bot.handoff"):
        await asyncio.wait_for(recovery_loop(agent_of, stop, interval=0.01), timeout=60)

    assert len(passes) == 3
    assert len(list_queue(session)) == 1 and len(open_alerts(session)) == 1
    warnings = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert any("escalation recovery failed" in message for message in warnings)
    assert "working again" in caplog.text and "+447700900321" not in caplog.text


def test_scan_floor_settles_only_after_complete_passes():
    floor = ScanFloor()
    floor.completed(10, now=0.0)
    floor.completed(20, now=100.0)
    assert floor.floor == 0
    floor.failed()
    floor.completed(30, now=130.0)
    assert floor.floor == 0
    floor.completed(40, now=250.0)
    assert floor.floor == 30
