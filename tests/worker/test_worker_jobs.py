"""The worker's scheduled jobs with several workers: each case update is announced once, retention runs alone."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from bot.cases.identities import link_verified
from bot.cases.notifications import notification_text
from bot.db import session_factory, session_scope
from bot.models import OutboxMessage
from bot.models.base import utcnow
from bot.notify import queue_case_notifications
from bot.outbox.store import enqueue
from bot.privacy.schedule import PASS_LOCK_ID, run_privacy_pass
from tests.cases.factories import make_case
from tests.fakes import wait_until
from tests.worker.holding_twilio import HoldingTwilioApi, rows, sms_environment, statuses
from tests.worker_fixtures import worker_environment

NUMBER = "+447700900777"
WHEN = datetime(2026, 11, 20, 9, 0)


def verified_victim_with_an_update(session) -> None:
    _case, victim = make_case(session, updates=[(WHEN, "CCTV reviewed.", True)])
    link_verified(session, channel="sms", address=NUMBER, victim_id=victim.id)
    session.commit()


def nudges(session) -> int:
    query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.origin == "notification")
    return session.scalar(query)


def test_two_notification_rounds_at_once_queue_one_nudge(engine, session) -> None:
    verified_victim_with_an_update(session)
    first = session_factory(engine)()
    counts: list[int] = []

    def second_round() -> None:  # blocks on the nudge's key (PostgreSQL) or the writer lock (SQLite)
        with session_scope(engine) as other:
            counts.append(queue_case_notifications(other))

    try:
        assert queue_case_notifications(first) == 1
        thread = threading.Thread(target=second_round)
        thread.start()
        first.commit()
        thread.join(timeout=30)
    finally:
        first.close()
    assert len(counts) == 1 and nudges(session) == 1


@pytest.mark.slow
async def test_two_worker_processes_announce_an_update_once_by_sms(
    db_url, session, twilio: HoldingTwilioApi, worker_processes
) -> None:
    environment = sms_environment(db_url, twilio, HAVEN_NOTIFY_INTERVAL_SECONDS="1")
    workers = [await worker_processes(environment).ready() for _ in range(2)]
    verified_victim_with_an_update(session)
    await wait_until(lambda: statuses() == ["sent"], timeout=30)
    for worker in workers:
        assert await worker.stop() == 0
    assert twilio.bodies_to(NUMBER) == [notification_text("sms")]
    assert "CCTV" not in twilio.bodies_to(NUMBER)[0]


def test_a_retention_pass_is_skipped_while_another_worker_runs_one(engine, db_url, caplog) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time already")
    with caplog.at_level(logging.DEBUG, logger="bot.privacy.schedule"):
        with engine.begin() as connection:  # another worker's pass, in progress
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PASS_LOCK_ID})
            assert run_privacy_pass() == (0, 0)
        skipped = [record for record in caplog.records if "skipped" in record.getMessage()]
        run_privacy_pass()  # the lock is free again: this pass runs
    assert len(skipped) == 1
    assert len([record for record in caplog.records if "skipped" in record.getMessage()]) == 1


@pytest.mark.slow
async def test_the_worker_process_runs_retention_at_start_up(db_url, session, worker_processes) -> None:
    old = enqueue(session, channel="sms", recipient=NUMBER, payload={"text": "long ago"})
    old.status, old.created_at = "sent", utcnow() - timedelta(days=120)
    recent = enqueue(session, channel="sms", recipient=NUMBER, payload={"text": "yesterday"})
    recent.status = "sent"
    session.commit()
    environment = worker_environment(db_url, HAVEN_RETENTION_INTERVAL_MINUTES="60", HAVEN_WORKER_CHANNELS="")
    worker = await worker_processes(environment).ready()
    await wait_until(lambda: [text for _status, text, *_ in rows()] == ["yesterday"], timeout=30)
    assert await worker.stop() == 0
