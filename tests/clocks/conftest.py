"""Clock test helpers: feed events applied as a police system would send them, and a clock pass at a fixed time."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from unittest import mock

from sqlalchemy import select

from bot.clocks.job import BREACH_ALERT, PassReport, run_clock_pass
from bot.clocks.models import CodeClock
from bot.feed.apply import apply_event
from bot.feed.schema import CaseEventBody
from bot.models.security import StaffAlert
from tests.console.conftest import console, http  # noqa: F401  (fixtures for the console tests)
from tests.feed.conftest import event

ZONE = "Europe/London"
REF = "SP/20001/26"


def send(session, kind: str, event_id: str, occurred_at: str, **fields: Any) -> None:
    """Apply one feed event (as the integration "force-rms"), received when it occurred (a fixed clock), and commit."""
    body = event(kind, event_id, REF, occurred_at=occurred_at, **fields)
    received_at = datetime.fromisoformat(occurred_at.replace("Z", ""))
    with mock.patch("bot.feed.apply.utcnow", return_value=received_at):
        apply_event(session, CaseEventBody.parse_obj(body).__root__, source="force-rms")
    session.commit()


def clock_pass(session, now: datetime) -> PassReport:
    report = run_clock_pass(session, now=now, zone=ZONE)
    session.commit()
    return report


def clocks(session, duty: str | None = None) -> list[CodeClock]:
    session.expire_all()
    query = select(CodeClock).order_by(CodeClock.id)
    return list(session.scalars(query.where(CodeClock.duty == duty) if duty else query))


def breach_alerts(session) -> list[StaffAlert]:
    return list(session.scalars(select(StaffAlert).where(StaffAlert.kind == BREACH_ALERT)))
