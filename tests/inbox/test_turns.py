"""One stored message, one Rasa turn: a re-driven message whose turn was saved is not run again."""

from __future__ import annotations

from types import SimpleNamespace

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from sqlalchemy import select

from bot.inbox.store import ClaimedInbound
from bot.models import OutboxMessage
from connectors.pipeline.turns import reply_output, run_turn
from tests.fakes.rasa_boundary import RecordingAgent


def _claim(attempts: int) -> ClaimedInbound:
    return ClaimedInbound(7, "SM7", "sms", "+447700900123", {"body": "hello"}, attempts, "token")


def _app(agent: RecordingAgent) -> SimpleNamespace:
    return SimpleNamespace(ctx=SimpleNamespace(agent=agent))


async def test_a_redriven_message_whose_turn_was_saved_is_not_run_again(db_url) -> None:
    agent = RecordingAgent()
    agent.tracker_store = InMemoryTrackerStore(Domain.empty())
    tracker = await agent.tracker_store.get_or_create_tracker("sms:+447700900123")
    tracker.update(UserUttered("hello", message_id="inbox-7"))
    await agent.tracker_store.save(tracker)
    claim = _claim(attempts=2)
    outcome = await run_turn(_app(agent), claim, on_new_message=agent.handle_message, text="hello",
                             output=reply_output(claim))
    assert outcome == "turn already saved" and agent.received == []


async def test_a_redriven_turn_queues_each_reply_once(db_url, session) -> None:
    agent = RecordingAgent()  # utters "Thanks, we got your message." for every message
    for attempts in (1, 2):  # the first run's replies were queued, then the process died before saving
        claim = _claim(attempts)
        agent.tracker_store = InMemoryTrackerStore(Domain.empty())  # nothing saved
        await run_turn(_app(agent), claim, on_new_message=agent.handle_message, text="hello",
                       output=reply_output(claim))
    assert len(agent.received) == 2  # the turn ran twice...
    texts = session.scalars(select(OutboxMessage.payload)).all()
    assert texts == [{"text": "Thanks, we got your message."}]  # ...and its reply was queued once
