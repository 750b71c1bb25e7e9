"""The worker's clock pass: open clocks for new events and referrals, stop told ones, mark breaches and alert once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.clocks import duties
from bot.clocks.models import CodeClock
from bot.clocks.opening import open_event_clocks, open_progress_clocks, open_referral_clocks
from bot.clocks.stopping import cases_in_investigation, stop_told_clocks
from bot.clocks.working_days import local_date
from bot.console.alerts import raise_alert
from bot.db import session_scope
from bot.models.base import utcnow
from bot.models.cases import Case
from bot.settings import get_settings

logger = logging.getLogger(__name__)
CLOCK_PASS_SECONDS = 300.0  # clocks count working days: a pass every 5 minutes is plenty
BREACH_ALERT = "victims_code_breach"
RECENT_STOPS = timedelta(days=7)  # a clock stopped late is judged by the next pass; older stops were judged already


@dataclass(frozen=True)
class PassReport:
    opened: int
    stopped: int
    breached: int


def _claim_breach(session: Session, clock: CodeClock, now: datetime) -> bool:
    """Mark the breach unless another pass already did (a conditional update): only the winner alerts."""
    result = session.execute(
        update(CodeClock)
        .where(CodeClock.id == clock.id, CodeClock.breached_at.is_(None))
        .values(breached_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def mark_breaches(session: Session, *, now: datetime, zone: str) -> int:
    """Each clock past its due day without the victim told on time gets one supervisor alert; returns how many."""
    today = local_date(now, zone)
    candidates = session.execute(
        select(CodeClock, Case.reference, Case.officer_name)
        .outerjoin(Case, Case.id == CodeClock.case_id)
        .where(CodeClock.breached_at.is_(None), CodeClock.due_on < today,
               or_(CodeClock.stopped_at.is_(None), CodeClock.stopped_at > now - RECENT_STOPS))
    ).all()
    breached = 0
    for clock, reference, officer in candidates:
        if clock.stopped_at is not None and local_date(clock.stopped_at, zone) <= clock.due_on:
            continue  # told in time
        if not _claim_breach(session, clock, now):
            continue
        raise_alert(session, kind=BREACH_ALERT, detail={
            "reference": reference or "no case", "duty": duties.DUTY_LABELS[clock.duty],
            "due": clock.due_on.isoformat(), "officer": officer or "none recorded",
        })
        breached += 1
    return breached


def run_clock_pass(session: Session, *, now: datetime, zone: str) -> PassReport:
    """One pass in `session`; safe to repeat (nothing opens, stops or alerts twice)."""
    opened = open_event_clocks(session, zone=zone) + open_referral_clocks(session, zone=zone)
    stopped = stop_told_clocks(session, now=now, in_investigation=cases_in_investigation(session))
    opened += open_progress_clocks(session, zone=zone, now=now)
    return PassReport(opened=opened, stopped=stopped, breached=mark_breaches(session, now=now, zone=zone))


def run_clock_pass_now() -> PassReport:
    """A pass in its own transaction (blocking)."""
    with session_scope() as session:
        report = run_clock_pass(session, now=utcnow(), zone=get_settings().timezone)
    if report.breached:
        logger.info("clocks: %d opened, %d stopped, %d breached", report.opened, report.stopped, report.breached)
    return report
