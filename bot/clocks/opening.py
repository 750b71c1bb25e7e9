"""Open clocks, idempotently: one per duty-carrying feed event, per recorded referral, per month of investigation."""

from __future__ import annotations

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clocks import duties
from bot.clocks.models import CodeClock
from bot.clocks.working_days import add_working_days, local_date, next_working_day_from
from bot.feed.models import CaseEvent
from bot.models.cases import Case, Victim, victim_cases
from bot.models.directory import Referral


def _enhanced_case_ids(session: Session) -> set[int]:
    """Cases with at least one victim entitled to enhanced services (one query, not one per case)."""
    query = select(victim_cases.c.case_id).join(Victim, Victim.id == victim_cases.c.victim_id)
    return set(session.scalars(query.where(Victim.enhanced_entitlement.is_(True))))


def _due_on(started_at: datetime, duty: str, *, enhanced: bool, zone: str) -> date:
    start = local_date(started_at, zone)
    if duty == duties.PROGRESS:
        return next_working_day_from(start + relativedelta(months=duties.PROGRESS_MONTHS))
    return add_working_days(start, duties.working_days_for(duty, enhanced=enhanced))


def _clock(duty: str, key: str, *, case_id: int | None, started_at: datetime, recorded_at: datetime, zone: str,
           enhanced: bool, **links: object) -> CodeClock:
    return CodeClock(
        key=key, duty=duty, case_id=case_id, enhanced=enhanced, started_at=started_at,
        recorded_at=recorded_at, due_on=_due_on(started_at, duty, enhanced=enhanced, zone=zone), **links,
    )


def open_event_clocks(session: Session, *, zone: str) -> int:
    """A clock for each applied event that carries a duty and has none yet; returns how many opened."""
    has_clock = select(CodeClock.id).where(CodeClock.case_event_id == CaseEvent.id).exists()
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.kind.in_(duties.DUTY_EVENT_KINDS), ~has_clock).order_by(CaseEvent.id)
    )
    opened, enhanced = 0, _enhanced_case_ids(session)
    for event in events:
        duty = duties.duty_of(event.kind, event.details or {})
        if duty is None:
            continue
        session.add(_clock(
            duty, f"event:{event.id}", case_id=event.case_id, started_at=event.occurred_at,
            recorded_at=event.received_at, zone=zone, enhanced=event.case_id in enhanced, case_event_id=event.id,
            haven_may_tell=bool((event.details or {}).get("victim_may_be_told", True)),
        ))
        opened += 1
    session.flush()
    return opened


def open_referral_clocks(session: Session, *, zone: str) -> int:
    """A 2-working-day clock for each recorded referral that has none yet (on the victim's latest case, if any)."""
    has_clock = select(CodeClock.id).where(CodeClock.referral_id == Referral.id).exists()
    opened = 0
    for referral in session.scalars(select(Referral).where(~has_clock).order_by(Referral.id)):
        victim = session.get(Victim, referral.victim_id) if referral.victim_id else None
        case = max(victim.cases, key=lambda c: c.id) if victim and victim.cases else None
        session.add(_clock(
            duties.REFERRAL, f"referral:{referral.id}", case_id=case.id if case else None,
            started_at=referral.created_at, recorded_at=referral.created_at, zone=zone,
            enhanced=bool(victim and victim.enhanced_entitlement), referral_id=referral.id, haven_may_tell=False,
        ))
        opened += 1
    session.flush()
    return opened


def open_progress_clocks(session: Session, *, zone: str, now: datetime) -> int:
    """A monthly progress clock for each case under investigation without an open one, running from the
    last time the victim was told anything on the case (or the case's last status change, if later)."""
    open_progress = select(CodeClock.id).where(
        CodeClock.case_id == Case.id, CodeClock.duty == duties.PROGRESS, CodeClock.stopped_at.is_(None)
    ).exists()
    last_told = (
        select(func.max(CodeClock.stopped_at))
        .where(CodeClock.case_id == Case.id, CodeClock.stopped_by.in_(duties.TOLD_ROUTES))
        .scalar_subquery()
    )
    rows = session.execute(
        select(Case, last_told).where(Case.status.in_(duties.INVESTIGATION_STATUSES), ~open_progress)
    ).all()
    taken = set(session.scalars(select(CodeClock.key).where(CodeClock.duty == duties.PROGRESS)))
    opened, enhanced = 0, _enhanced_case_ids(session)
    for case, told_at in rows:
        started_at = min(max(filter(None, (told_at, case.status_changed_at))), now)
        key = f"progress:{case.id}:{started_at:%Y%m%dT%H%M%S}"
        if key in taken:
            continue  # that month already ran (and stopped): the next starts when the victim is told again
        session.add(_clock(duties.PROGRESS, key, case_id=case.id, started_at=started_at,
                           recorded_at=started_at, zone=zone, enhanced=case.id in enhanced))
        opened += 1
    session.flush()
    return opened
