"""Fenced leases: only the current holder of a claim records its outcome; racing claimers never share a row."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.models import OutboxMessage
from bot.models.base import utcnow
from bot.outbox.claims import claim_due, mark_failed_attempt, mark_sent, release
from bot.outbox.policy import RetryPolicy
from bot.outbox.store import enqueue
from bot.outbox.worker import OutboxWorker

LEASE = RetryPolicy(lease_seconds=60.0, jitter=0.0)


def add(session, recipient: str, text: str) -> OutboxMessage:
    row = enqueue(session, channel="sms", recipient=recipient, payload={"text": text})
    session.commit()
    return row


def test_an_expired_lease_taken_over_cannot_be_recorded_by_its_first_holder(session) -> None:
    row = add(session, "+447700900001", "he's outside")
    start = utcnow()
    [first] = claim_due(session, channels=["sms"], now=start, policy=LEASE)
    session.commit()
    [second] = claim_due(session, channels=["sms"], now=start + timedelta(seconds=61), policy=LEASE)
    session.commit()
    assert (second.id, second.attempts) == (first.id, 2) and second.lease_token != first.lease_token

    assert mark_sent(session, first, provider_message_id="SM-old") is False
    assert mark_failed_attempt(session, first, error="TimeoutError") is None
    assert release(session, first) is False
    session.commit()
    session.refresh(row)
    assert (row.status, row.lease_token, row.provider_message_id) == ("sending", second.lease_token, None)

    assert mark_sent(session, second, provider_message_id="SM-new") is True
    session.commit()
    session.refresh(row)
    assert (row.status, row.provider_message_id, row.lease_token) == ("sent", "SM-new", None)


def test_a_live_lease_is_not_taken_over(session) -> None:
    add(session, "+447700900001", "one")
    start = utcnow()
    claim_due(session, channels=["sms"], now=start, policy=LEASE)
    session.commit()
    assert claim_due(session, channels=["sms"], now=start + timedelta(seconds=59), policy=LEASE) == []


def test_an_expired_lease_not_taken_over_may_still_be_recorded(session) -> None:
    row = add(session, "+447700900001", "one")
    [claim] = claim_due(session, channels=["sms"], policy=LEASE)
    session.commit()
    row.lease_expires_at = utcnow() - timedelta(seconds=1)  # the lease ran out; nobody claimed the row since
    session.commit()
    assert mark_sent(session, claim, provider_message_id="SM1") is True  # nobody else sent it
    session.commit()
    session.refresh(row)
    assert row.status == "sent"


def test_a_send_is_not_started_without_room_in_the_lease(session) -> None:
    add(session, "+447700900001", "one")
    [claim] = claim_due(session, channels=["sms"], now=utcnow(), policy=LEASE)
    assert claim.may_start_send(send_timeout=20.0) is True  # 60 s left: a send and its recording fit
    assert claim.may_start_send(send_timeout=20.0, now=utcnow() + timedelta(seconds=25)) is False


def test_a_released_claim_is_due_at_once_and_its_attempt_not_counted(session) -> None:
    row = add(session, "+447700900001", "one")
    [claim] = claim_due(session, channels=["sms"], policy=LEASE)
    assert release(session, claim) is True
    session.commit()
    session.refresh(row)
    assert (row.status, row.attempts, row.lease_token) == ("pending", 0, None)
    [again] = claim_due(session, channels=["sms"], policy=LEASE)
    assert (again.id, again.attempts) == (row.id, 1)


def test_the_send_timeout_must_fit_well_inside_the_lease() -> None:
    with pytest.raises(ValueError, match="third of the lease"):
        OutboxWorker(policy=RetryPolicy(lease_seconds=60.0), send_timeout=30.0)


def test_racing_claimers_never_share_a_message_and_keep_one_per_recipient(engine, session) -> None:
    for number in range(60):
        add(session, f"+4477009000{number % 12:02d}", f"m{number:02d}")
    claimed_ids: list[int] = []
    guard, all_ready = threading.Lock(), threading.Barrier(3)

    def claimer() -> None:
        all_ready.wait()
        for _ in range(3):
            with session_scope(engine) as worker_session:
                claims = claim_due(worker_session, channels=["sms"], limit=5, policy=LEASE)
            with guard:
                claimed_ids.extend(claim.id for claim in claims)

    threads = [threading.Thread(target=claimer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert max(Counter(claimed_ids).values()) == 1
    with session_scope(engine) as check:
        sending = check.execute(
            select(OutboxMessage.recipient, OutboxMessage.id).where(OutboxMessage.status == "sending")
        ).all()
    recipients = [recipient for recipient, _ in sending]
    assert len(recipients) == len(set(recipients)) == 12  # each person's oldest message, nobody's twice
    assert sorted(claimed_ids) == sorted(message_id for _, message_id in sending)
