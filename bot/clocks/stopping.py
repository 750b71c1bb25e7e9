"""Stop clocks when the victim has been told: by Haven after verification, by the officer through the feed, or by staff.

Haven tells a verified victim the case's latest status the moment both factors pass (a disclosure grant,
bot/cases/grants.py, is recorded just before action_give_case_update replies), so a grant on the case made
after Haven learnt of the news stops that clock, if the news was shareable. The officer's word arrives as
a `victim_informed` feed event; staff press "Victim told" on the console's clocks page (audited there).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clocks import duties
from bot.clocks.models import CodeClock
from bot.feed.models import CaseEvent
from bot.models.cases import Case
from bot.models.directory import Referral
from bot.models.verification import DisclosureGrant

OFFICER_KIND = "victim_informed"


def _stop(clock: CodeClock, *, at: datetime, by: str, staff_id: int | None = None) -> None:
    clock.stopped_at, clock.stopped_by, clock.stopped_staff_id = at, by, staff_id


def _open_clocks(session: Session) -> list[CodeClock]:
    return list(session.scalars(select(CodeClock).where(CodeClock.stopped_at.is_(None))))


def _grant_times(session: Session, case_ids: set[int]) -> dict[int, list[datetime]]:
    times: dict[int, list[datetime]] = {}
    rows = session.execute(
        select(DisclosureGrant.case_id, DisclosureGrant.granted_at).where(DisclosureGrant.case_id.in_(case_ids))
    )
    for case_id, granted_at in rows:
        times.setdefault(case_id, []).append(granted_at)
    return times


def _officer_told(session: Session, case_ids: set[int]) -> dict[int, list[datetime]]:
    times: dict[int, list[datetime]] = {}
    rows = session.execute(
        select(CaseEvent.case_id, CaseEvent.occurred_at).where(
            CaseEvent.kind == OFFICER_KIND, CaseEvent.case_id.in_(case_ids)
        )
    )
    for case_id, occurred_at in rows:
        times.setdefault(case_id, []).append(occurred_at)
    return times


def _first_at_or_after(times: list[datetime], moment: datetime) -> datetime | None:
    return min((time for time in times if time >= moment), default=None)


def stop_told_clocks(session: Session, *, now: datetime, in_investigation: set[int]) -> int:
    """Stop each open clock whose victim has since been told (or whose duty ended); returns how many stopped.

    `in_investigation` holds the ids of cases still under investigation: a progress clock on any other
    case is no longer due.
    """
    clocks = _open_clocks(session)
    case_ids = {clock.case_id for clock in clocks if clock.case_id is not None}
    grants, officer = _grant_times(session, case_ids), _officer_told(session, case_ids)
    referral_ids = [clock.referral_id for clock in clocks if clock.referral_id is not None]
    acted_on = set(session.scalars(select(Referral.id).where(Referral.id.in_(referral_ids), Referral.status != "new")))
    stopped = 0
    for clock in clocks:
        if clock.duty == duties.REFERRAL:
            if clock.referral_id in acted_on:
                _stop(clock, at=now, by=duties.REFERRAL_ACTED_ON)
                stopped += 1
            continue
        by_officer = _first_at_or_after(officer.get(clock.case_id, []), clock.started_at)
        by_haven = None
        if clock.haven_may_tell:
            by_haven = _first_at_or_after(grants.get(clock.case_id, []), clock.recorded_at)
        told = min(filter(None, (by_officer, by_haven)), default=None)
        if told is not None:
            _stop(clock, at=told, by=duties.TOLD_BY_OFFICER if told == by_officer else duties.TOLD_BY_HAVEN)
        elif clock.duty == duties.PROGRESS and clock.case_id not in in_investigation:
            _stop(clock, at=now, by=duties.NO_LONGER_DUE)
        else:
            continue
        stopped += 1
    session.flush()
    return stopped


class NotStoppable(LookupError):
    """No open clock with that id."""


def stop_by_staff(session: Session, *, clock_id: int, staff_id: int, now: datetime) -> CodeClock:
    """A member of staff says the victim has been told (the console audits it); raises NotStoppable."""
    clock = session.get(CodeClock, clock_id)
    if clock is None or clock.stopped_at is not None:
        raise NotStoppable(clock_id)
    _stop(clock, at=now, by=duties.TOLD_BY_STAFF, staff_id=staff_id)
    session.flush()
    return clock


def cases_in_investigation(session: Session) -> set[int]:
    """Ids of the cases whose status is one of the investigation statuses."""
    return set(session.scalars(select(Case.id).where(Case.status.in_(duties.INVESTIGATION_STATUSES))))
