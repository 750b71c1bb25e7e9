"""Each staff step on a hand-off is one transaction: a crash inside it leaves nothing half done, and once it
commits nothing else is needed for Rasa to follow the row."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from sqlalchemy import select

from bot.handoff import staff_steps, wording
from bot.handoff.contact_later import ContactAnswer, record_answer
from bot.handoff.conversation_log import append_events
from bot.handoff.open_state import OpenHandoffs
from bot.handoff.queue import NotSafeToMessage
from bot.models import OutboxMessage
from bot.models.handoff import Handoff
from bot.models.staff import AuditEntry
from bot.tracker_store import HavenTrackerStore
from bot.wording import response_text
from tests.handoff.factories import make_handoff, make_staff

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
SENDER = "sms:+447700900432"
HANDED_BACK = response_text(wording.CLOSING["handback"], "sms")
STAFF_JOINED = response_text(wording.STAFF_JOINED, "sms")


class Crash(Exception):
    """Stands for the process dying at that point."""


@pytest.fixture
def store(db_url) -> HavenTrackerStore:
    return HavenTrackerStore(domain=DOMAIN)  # creates Rasa's events table, as the Rasa server does


@pytest.fixture
def claimed(session, store):
    staff = make_staff(session, "jo.worker", name="Jo Bloggs")
    handoff = make_handoff(session, SENDER, level="high", reason="risk")
    handoff.claimed_by, handoff.status = staff.id, "active"
    session.commit()
    return handoff, staff


def crash_when_queueing(monkeypatch) -> None:
    def crash(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(staff_steps, "enqueue", crash)


def written(session) -> tuple[list, list, list]:
    session.expire_all()
    outbox = [row.payload["text"] for row in session.scalars(select(OutboxMessage)).all()]
    audit = [entry.action for entry in session.scalars(select(AuditEntry)).all()]
    return outbox, audit, [row.status for row in session.scalars(select(Handoff)).all()]


async def staff_texts(store) -> list[str]:
    tracker = await store.retrieve(SENDER)
    return [event.text for event in tracker.events if isinstance(event, BotUttered)] if tracker else []


async def test_a_reply_is_in_the_transcript_the_outbox_and_the_audit_or_in_none(session, store, claimed, monkeypatch):
    handoff, staff = claimed
    crash_when_queueing(monkeypatch)
    with pytest.raises(Crash):
        staff_steps.reply_step(handoff_id=handoff.id, staff_id=staff.id, text="Are you safe?", via="api")
    assert written(session) == ([], [], ["active"]) and await staff_texts(store) == []

    monkeypatch.undo()
    staff_steps.reply_step(handoff_id=handoff.id, staff_id=staff.id, text="Are you safe?", via="api")
    assert written(session) == (["Are you safe?"], ["reply"], ["active"])
    assert await staff_texts(store) == ["Are you safe?"]
    entry = session.scalars(select(AuditEntry)).one()
    assert entry.detail["outbox_id"] == session.scalars(select(OutboxMessage.id)).one()


async def test_close_then_crash_leaves_the_conversation_with_staff_or_with_the_bot_never_in_between(
    session, store, claimed, monkeypatch
):
    handoff, staff = claimed
    crash_when_queueing(monkeypatch)
    with pytest.raises(Crash):  # dies inside the step: nothing of it happened
        staff_steps.close_step(handoff_id=handoff.id, staff_id=staff.id, outcome="advice_given", resolution="handback",
                               via="api")  # fmt: skip
    assert written(session) == ([], [], ["active"])
    assert OpenHandoffs().read(SENDER) is not None  # still with staff, who can close it again

    monkeypatch.undo()
    staff_steps.close_step(handoff_id=handoff.id, staff_id=staff.id, outcome="advice_given", resolution="handback",
                           via="api")  # fmt: skip
    # the process dies right after the commit: a new one reads the row, and the conversation is the bot's
    assert OpenHandoffs().read(SENDER) is None
    assert written(session) == ([HANDED_BACK], ["close"], ["closed"])
    assert await staff_texts(store) == [HANDED_BACK]
    assert not (await store.retrieve(SENDER)).is_paused()


async def test_take_over_ends_a_form_and_tells_the_victim_in_one_step(session, store, db_url):
    staff = make_staff(session, "sam.worker", name="Sam")
    handoff_id = staff_steps.take_over_step(
        sender_id=SENDER, channel="sms", staff_id=staff.id, via="console", category=None, form_open=True
    )
    tracker = await store.retrieve(SENDER)
    assert tracker.active_loop_name is None and tracker.get_slot("requested_slot") is None
    assert await staff_texts(store) == [STAFF_JOINED]
    assert written(session) == ([STAFF_JOINED], ["take_over"], ["active"])
    assert OpenHandoffs().read(SENDER).id == handoff_id


def answered(session, choice: str, words: str) -> float:
    """The victim answered "is it safe to message you later?" a minute ago; when they did."""
    at = time.time() - 60
    append_events(session, sender_id=SENDER, events=[UserUttered(words, timestamp=at)])
    record_answer(session, sender_id=SENDER, answer=ContactAnswer(choice, words), at=at)
    session.commit()
    return at


async def test_after_no_a_reply_is_refused_with_the_reason_and_nothing_is_sent(session, store, claimed):
    handoff, staff = claimed
    answered(session, "no", "no")
    with pytest.raises(NotSafeToMessage, match="not safe to message them and have not written since"):
        staff_steps.reply_step(handoff_id=handoff.id, staff_id=staff.id, text="Are you safe?", via="api")
    assert written(session) == ([], [], ["active"]) and await staff_texts(store) == []


async def test_after_no_their_next_message_is_the_prompt_and_the_reply_goes_out(session, store, claimed):
    handoff, staff = claimed
    at = answered(session, "no", "no")
    append_events(session, sender_id=SENDER, events=[UserUttered("it's safe now, he's gone out", timestamp=at + 30)])
    session.commit()
    staff_steps.reply_step(handoff_id=handoff.id, staff_id=staff.id, text="Are you safe?", via="api")
    assert written(session) == (["Are you safe?"], ["reply"], ["active"])


async def test_a_safe_time_does_not_block_a_reply(session, store, claimed):
    handoff, staff = claimed
    answered(session, "time", "after 6pm")
    staff_steps.reply_step(handoff_id=handoff.id, staff_id=staff.id, text="Hello, it's after 6pm.", via="api")
    assert written(session)[0] == ["Hello, it's after 6pm."]


async def test_after_no_closing_sends_nothing_but_still_gives_the_conversation_back(session, store, claimed):
    handoff, staff = claimed
    answered(session, "no", "not safe")
    assert not staff_steps.close_step(
        handoff_id=handoff.id, staff_id=staff.id, outcome="advice_given", resolution="handback", via="console"
    )
    assert written(session) == ([], ["close"], ["closed"]) and await staff_texts(store) == []
    assert OpenHandoffs().read(SENDER) is None
