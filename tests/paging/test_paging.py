"""Paging with a fixed clock: the on-call worker by SMS at 2 minutes, the supervisor by email at 5, once each."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.handoff.queue import claim
from bot.models import OutboxMessage
from bot.models.security import StaffAlert
from bot.paging.schedule import run_paging_round
from tests.handoff.factories import make_handoff, make_staff
from tests.paging.conftest import PUBLIC_URL, SUPERVISOR_EMAIL, WORKER_PHONE

OPENED = datetime(2026, 11, 24, 14, 0)  # a Tuesday afternoon (UTC)
VICTIM = "sms:+447700900123"


def page_rows(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.origin == "page"))


async def page_round(minutes: float) -> int:
    return await asyncio.to_thread(run_paging_round, OPENED + timedelta(minutes=minutes))


async def test_the_on_call_worker_gets_a_text_at_two_minutes_and_the_supervisor_an_email_at_five(
    session, on_call_staff, twilio, smtp_server, outbox_worker
) -> None:
    handoff = make_handoff(session, VICTIM, level="high", reason="risk", category="domestic_abuse", created_at=OPENED)
    assert await page_round(1.9) == 0
    assert await page_round(2) == 1
    [text] = await twilio.wait_for(1)
    link = f"{PUBLIC_URL}/console/conversations/{handoff.id}"
    assert (text["To"], text["Body"]) == (WORKER_PHONE, f"Haven: urgent conversation waiting. {link}")
    assert smtp_server.received == []
    assert await page_round(4.9) == 0
    assert await page_round(5) == 1
    [email] = smtp_server.received
    assert (email["To"], email["Subject"]) == (SUPERVISOR_EMAIL, "Urgent conversation waiting")
    assert email.get_content().strip() == f"Haven: urgent conversation waiting. {link}"
    for body in (text["Body"], email.get_content()):  # nothing about who is waiting, or why
        assert "0123" not in body and "domestic" not in body and "risk" not in body.lower()
    assert len(twilio.received) == 1  # the off-call worker was never texted


async def test_a_claimed_or_ordinary_handoff_pages_nobody(session, on_call_staff, twilio, smtp_server) -> None:
    claimed = make_handoff(session, VICTIM, level="imminent", reason="risk", created_at=OPENED)
    make_handoff(session, "telegram:77", level="normal", reason="requested", created_at=OPENED)
    claim(session, handoff_id=claimed.id, staff=on_call_staff[0], now=OPENED + timedelta(minutes=1))
    session.commit()
    assert await page_round(10) == 0
    assert page_rows(session) == 0 and smtp_server.received == []


async def test_running_the_job_twice_pages_once(session, on_call_staff, twilio, smtp_server) -> None:
    make_handoff(session, VICTIM, level="imminent", reason="risk", created_at=OPENED)
    first, second = await asyncio.gather(page_round(6), page_round(6))
    assert first + second == 2  # each level was sent by one of the rounds; the other found it claimed
    assert await page_round(7) == 0
    assert page_rows(session) == 1 and len(smtp_server.received) == 1


async def test_with_nobody_on_call_supervisors_are_alerted_in_the_console(session, smtp_server) -> None:
    make_staff(session, "jo.worker")
    make_handoff(session, VICTIM, level="high", reason="risk", created_at=OPENED)
    assert await page_round(2) == 1
    session.expire_all()
    [alert] = session.scalars(select(StaffAlert)).all()
    assert alert.kind == "page_not_sent" and alert.detail["why"] == "nobody on call"
