"""A retry of an unprompted message waits for a time the victim allows; a retry of a reply goes on back-off alone."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.contact import preferences
from bot.contact.preferences import Preferences
from bot.contact.retry_times import UNPROMPTED_ORIGINS, install_retry_holds
from bot.contact.timing import parse_window
from bot.models import OutboxMessage
from bot.notify import queue_case_notifications
from bot.outbox import holds
from bot.outbox.claims import claim_due
from bot.outbox.outcomes import Outcome, record_outcome
from bot.outbox.policy import RetryPolicy
from bot.outbox.store import enqueue
from bot.settings import get_settings
from bot.worker.service import WorkerJobs, run_jobs
from tests.contact.factories import NUMBER, REFERENCE, alerts, nudges, victim_with_an_update

TUESDAY_21_58 = datetime(2026, 11, 17, 21, 58)  # London is on UTC in November: local time = UTC here
WEDNESDAY_07_00 = datetime(2026, 11, 18, 7, 0)
FRIDAY_21_58 = datetime(2026, 11, 20, 21, 58)
MONDAY_07_00 = datetime(2026, 11, 23, 7, 0)
FIVE_MINUTES = RetryPolicy(base_seconds=300.0, jitter=0.0)  # a late attempt's back-off: into quiet hours
TWO_SECONDS = RetryPolicy(base_seconds=2.0, jitter=0.0)  # a first attempt's back-off


@pytest.fixture
def quiet_22_to_07(monkeypatch):
    """Quiet hours 22:00-07:00 and the outbox holding unprompted retries, as a worker process starts it."""
    monkeypatch.setenv("HAVEN_QUIET_HOURS", "22:00-07:00")
    monkeypatch.delenv("HAVEN_TIMEZONE", raising=False)
    get_settings.cache_clear()
    install_retry_holds()
    yield
    for origin in UNPROMPTED_ORIGINS:
        holds.unregister_hold(origin)
    get_settings.cache_clear()


def fail_once(engine, session, row_id: int, *, at: datetime, policy: RetryPolicy) -> OutboxMessage:
    """Claim the row at `at`, let the provider fail it for now, and return the row as stored."""
    [claim] = claim_due(session, channels=["sms"], now=at, policy=policy)
    session.commit()
    assert claim.id == row_id
    outcome = Outcome(claim, None, "TimeoutError", False, "TimeoutError")
    record_outcome(outcome, engine, policy, now=at)
    session.expire_all()
    return session.get(OutboxMessage, row_id)


def queued_nudge(session, at: datetime) -> OutboxMessage:
    assert queue_case_notifications(session, now=at) == 1
    session.commit()
    [row] = nudges(session)
    assert row.next_attempt_at <= max(at, row.created_at)  # 21:58 is allowed: it is queued to go at once
    row.next_attempt_at = at  # (the outbox stamps rows with the real clock; the test's clock is fixed)
    session.commit()
    return row


def test_a_nudge_failing_at_21_58_is_retried_at_07_00_not_in_quiet_hours(engine, session, quiet_22_to_07):
    victim_with_an_update(session)
    row = queued_nudge(session, TUESDAY_21_58)
    retried = fail_once(engine, session, row.id, at=TUESDAY_21_58, policy=FIVE_MINUTES)
    assert (retried.status, retried.next_attempt_at) == ("pending", WEDNESDAY_07_00)
    assert claim_due(session, channels=["sms"], now=WEDNESDAY_07_00 - timedelta(seconds=1)) == []
    assert [claim.id for claim in claim_due(session, channels=["sms"], now=WEDNESDAY_07_00)] == [row.id]


def test_a_nudge_whose_back_off_ends_before_quiet_hours_keeps_it(engine, session, quiet_22_to_07):
    victim_with_an_update(session)
    row = queued_nudge(session, TUESDAY_21_58)
    retried = fail_once(engine, session, row.id, at=TUESDAY_21_58, policy=TWO_SECONDS)
    assert retried.next_attempt_at == TUESDAY_21_58 + timedelta(seconds=2)


def test_a_reply_failing_at_21_58_is_retried_in_seconds(engine, session, quiet_22_to_07):
    victim_with_an_update(session)
    reply = enqueue(session, channel="sms", recipient=NUMBER, payload={"text": "Thanks."}, origin="bot")
    reply.next_attempt_at = TUESDAY_21_58
    session.commit()
    retried = fail_once(engine, session, reply.id, at=TUESDAY_21_58, policy=TWO_SECONDS)
    first_retry = retried.next_attempt_at
    assert (retried.status, first_retry) == ("pending", TUESDAY_21_58 + timedelta(seconds=2))
    again = fail_once(engine, session, reply.id, at=first_retry, policy=FIVE_MINUTES)
    assert again.next_attempt_at == first_retry + timedelta(minutes=5)  # 22:03, in quiet hours: an answer is not held


def test_not_at_weekends_moves_a_friday_night_retry_to_monday(engine, session, quiet_22_to_07):
    victim = victim_with_an_update(session)
    preferences.save(session, victim, Preferences(no_weekends=True), updated_by="test")
    session.commit()
    row = queued_nudge(session, FRIDAY_21_58)
    retried = fail_once(engine, session, row.id, at=FRIDAY_21_58, policy=FIVE_MINUTES)
    assert retried.next_attempt_at == MONDAY_07_00


def test_a_retry_with_no_permitted_time_left_fails_over_to_staff(engine, session, quiet_22_to_07):
    victim = victim_with_an_update(session)
    row = queued_nudge(session, TUESDAY_21_58)
    # Staff narrow the window to hours that fall inside quiet hours after the nudge was queued.
    preferences.save(session, victim, Preferences(window=parse_window("22:30-23:00")), updated_by="test")
    session.commit()
    retried = fail_once(engine, session, row.id, at=TUESDAY_21_58, policy=FIVE_MINUTES)
    assert (retried.status, retried.last_error) == ("failed", holds.NO_PERMITTED_TIME)
    queue_case_notifications(session, now=TUESDAY_21_58 + timedelta(minutes=1))
    assert alerts(session) == [
        ("contact_failed", {"case": REFERENCE, "reason": "delivery failed on every permitted channel"})
    ]


async def test_the_worker_process_holds_unprompted_retries(engine, monkeypatch):
    for origin in UNPROMPTED_ORIGINS:
        holds.unregister_hold(origin)
    stop = asyncio.Event()
    stop.set()
    jobs = WorkerJobs(channels=(), notify=False, retention=False, paging=False, clocks=False)
    try:
        await asyncio.wait_for(run_jobs(get_settings(), jobs, stop), timeout=30)
        assert set(UNPROMPTED_ORIGINS) <= set(holds.held_origins())
    finally:
        for origin in UNPROMPTED_ORIGINS:
            holds.unregister_hold(origin)

