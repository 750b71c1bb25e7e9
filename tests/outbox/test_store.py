"""Outbox storage: ordering per recipient, exclusive claims, back-off, give-up, receipts and opt-outs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cases.identities import opt_out
from bot.db import session_factory
from bot.models import OutboxMessage
from bot.models.base import utcnow
from bot.outbox import senders
from bot.outbox.claims import claim_due, mark_failed_attempt, mark_sent
from bot.outbox.delivery import list_messages, record_delivery_status, retry_failed
from bot.outbox.policy import RetryPolicy
from bot.outbox.store import enqueue

NO_JITTER = RetryPolicy(jitter=0.0, max_attempts=3)


@pytest.fixture(autouse=True)
def _no_splitters():
    yield
    senders.unregister_sender("split-test")


def add(session, recipient: str, text: str, channel: str = "sms", origin: str = "bot") -> OutboxMessage:
    row = enqueue(session, channel=channel, recipient=recipient, payload={"text": text}, origin=origin)
    session.commit()
    return row


def test_enqueue_stores_the_bare_address_and_the_payload(session) -> None:
    row = add(session, "sms:+447700900123", "hello")
    assert (row.channel, row.recipient, row.payload, row.status, row.attempts) == (
        "sms",
        "+447700900123",
        {"text": "hello"},
        "pending",
        0,
    )


def test_only_the_oldest_unsent_message_per_recipient_is_claimed(session) -> None:
    first = add(session, "+447700900001", "one")
    add(session, "+447700900001", "two")
    other = add(session, "+447700900002", "other person")
    claimed = claim_due(session, channels=["sms"])
    session.commit()
    assert [message.id for message in claimed] == [first.id, other.id]
    assert claim_due(session, channels=["sms"]) == []  # "two" waits until "one" is sent


def test_next_message_is_released_once_the_previous_is_sent(session) -> None:
    first = add(session, "+447700900001", "one")
    second = add(session, "+447700900001", "two")
    [claimed] = claim_due(session, channels=["sms"])
    assert mark_sent(session, claimed, provider_message_id="SM1") is True
    session.commit()
    assert [message.id for message in claim_due(session, channels=["sms"])] == [second.id]
    assert first.id == claimed.id


def test_a_message_is_claimed_by_one_of_two_racing_workers(engine, session) -> None:
    add(session, "+447700900001", "one")
    other_session = session_factory(engine)()
    try:
        first_claim = claim_due(session, channels=["sms"])
        session.commit()
        second_claim = claim_due(other_session, channels=["sms"], now=utcnow())
        other_session.commit()
    finally:
        other_session.close()
    assert len(first_claim) == 1 and second_claim == []


def test_failures_back_off_exponentially_then_give_up_visibly(session) -> None:
    row = add(session, "+447700900001", "one")
    start = utcnow()
    delays = []
    for attempt in range(1, 4):
        now = start + timedelta(hours=attempt)
        [claimed] = claim_due(session, channels=["sms"], now=now, policy=NO_JITTER)
        status = mark_failed_attempt(
            session,
            claimed,
            error="TwilioRestException status 500",
            policy=NO_JITTER,
            now=now,
        )
        session.commit()
        session.refresh(row)
        delays.append((row.next_attempt_at - now).total_seconds() if status == "pending" else status)
    assert delays == [2.0, 4.0, "failed"]
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "TwilioRestException status 500")
    [summary] = list_messages(session, statuses=("failed",))
    assert (summary.id, summary.status, summary.recipient_hint) == (row.id, "failed", "…001")
    assert retry_failed(session, message_id=row.id) is True
    session.commit()
    session.refresh(row)
    assert (row.status, row.attempts) == ("pending", 0)


def test_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(base_seconds=2, cap_seconds=300, jitter=0.2)
    assert [RetryPolicy(jitter=0).delay_after(n) for n in (1, 2, 3, 4)] == [2, 4, 8, 16]
    assert all(240 <= policy.delay_after(20) <= 300 for _ in range(50))


def test_a_failed_message_no_longer_blocks_later_ones(session) -> None:
    add(session, "+447700900001", "one")
    second = add(session, "+447700900001", "two")
    [claimed] = claim_due(session, channels=["sms"])
    mark_failed_attempt(session, claimed, error="permanent: bad number", permanent=True)
    session.commit()
    assert [message.id for message in claim_due(session, channels=["sms"])] == [second.id]


def test_an_abandoned_claim_is_retried_after_its_lease(session) -> None:
    row = add(session, "+447700900001", "one")
    claim_due(session, channels=["sms"])
    session.commit()
    later = utcnow() + timedelta(minutes=10)
    [again] = claim_due(session, channels=["sms"], now=later)
    assert (again.id, again.attempts) == (row.id, 2)


def test_only_channels_with_a_sender_are_claimed(session) -> None:
    add(session, "alice", "for rest", channel="rest")
    assert claim_due(session, channels=["sms"]) == []


def test_a_registered_splitter_makes_one_row_per_part(session) -> None:
    senders.register_sender("split-test", _never_called, split=lambda p: [{"text": "a"}, {"text": "b"}])
    first = add(session, "x", "long", channel="split-test")
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [row.payload["text"] for row in rows] == ["a", "b"] and rows[0].id == first.id


async def _never_called(recipient: str, payload: dict) -> str:
    raise AssertionError("not sent in this test")


def test_notifications_to_an_opted_out_number_are_suppressed(session) -> None:
    opt_out(session, channel="sms", address="+447700900001")
    session.commit()
    notice = add(session, "+447700900001", "Your case was updated", origin="notification")
    reply = add(session, "+447700900001", "A direct reply", origin="bot")
    assert (notice.status, reply.status) == ("suppressed", "pending")


def test_delivery_receipts_keep_the_final_state(session) -> None:
    row = add(session, "+447700900001", "one")
    [claimed] = claim_due(session, channels=["sms"])
    mark_sent(session, claimed, provider_message_id="SM123")
    session.commit()
    assert record_delivery_status(session, provider_message_id="SM123", status="delivered") is True
    assert record_delivery_status(session, provider_message_id="SM123", status="sent") is True
    assert record_delivery_status(session, provider_message_id="SM-unknown", status="delivered") is False
    session.commit()
    session.refresh(row)
    assert (row.status, row.delivery_status) == ("sent", "delivered")
