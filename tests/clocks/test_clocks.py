"""Clocks open on duty-carrying feed events, run 5 working days (1 when enhanced), stop when the victim is told
by Haven, the officer or staff, and a breach alerts supervisors once."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from bot.cases.grants import record_grant
from bot.clocks import duties
from bot.clocks.job import run_clock_pass_now
from bot.clocks.stopping import stop_by_staff
from bot.models.directory import Agency, Referral
from bot.off_loop import repeat
from tests.cases.factories import make_case
from tests.clocks.conftest import breach_alerts, clock_pass, clocks, send
from tests.fakes import wait_until
from tests.handoff.factories import make_staff

FRIDAY_MORNING = "2026-11-20T09:30:00Z"
MONDAY = datetime(2026, 11, 23, 12, 0)
AFTER_DUE = datetime(2026, 11, 30, 9, 0)  # the Monday after the 5th working day (Friday 27th)


def test_a_charge_gives_five_working_days_and_other_news_none(session):
    make_case(session)
    send(session, "status_change", "e1", FRIDAY_MORNING, status="charged")
    send(session, "officer_change", "e2", FRIDAY_MORNING, officer_name="PC 4321 New")
    clock_pass(session, MONDAY)
    (charge,) = clocks(session, "charge")
    assert (charge.due_on, charge.enhanced) == (date(2026, 11, 27), False)
    assert [clock.duty for clock in clocks(session)] == ["charge"]  # charged is not under investigation


def test_enhanced_entitlement_gives_one_working_day(session):
    make_case(session, enhanced=True)
    send(session, "court_date", "e1", FRIDAY_MORNING, hearing_at="2027-01-12T10:00:00", court="Fenchester Crown Court")
    clock_pass(session, MONDAY)
    (court,) = clocks(session, "court_date")
    assert (court.due_on, court.enhanced) == (date(2026, 11, 23), True)


def test_haven_stops_the_clock_when_a_verified_victim_is_given_the_update(session):
    case, victim = make_case(session)
    send(session, "status_change", "e1", FRIDAY_MORNING, status="suspect_arrested")
    clock_pass(session, MONDAY)
    record_grant(session, case=case, victim=victim, sender_key="sms:+447700900555", knowledge="dob_postcode",
                 possession="registered_contact", now=MONDAY + timedelta(hours=1))
    session.commit()
    clock_pass(session, MONDAY + timedelta(hours=2))
    (arrest,) = clocks(session, "arrest")
    assert (arrest.stopped_by, arrest.stopped_at) == (duties.TOLD_BY_HAVEN, MONDAY + timedelta(hours=1))


def test_haven_does_not_stop_a_clock_for_news_the_victim_may_not_be_told(session):
    case, victim = make_case(session)
    send(session, "status_change", "e1", FRIDAY_MORNING, status="suspect_arrested", victim_may_be_told=False)
    clock_pass(session, MONDAY)
    record_grant(session, case=case, victim=victim, sender_key="sms:+447700900555", knowledge="dob_postcode",
                 possession="registered_contact", now=MONDAY + timedelta(hours=1))
    session.commit()
    clock_pass(session, MONDAY + timedelta(hours=2))
    assert clocks(session, "arrest")[0].stopped_at is None


def test_the_officer_stops_the_clock_through_the_feed(session):
    make_case(session)
    send(session, "status_change", "e1", FRIDAY_MORNING, status="no_further_action")
    send(session, "victim_informed", "e2", "2026-11-24T15:00:00Z")
    clock_pass(session, AFTER_DUE)
    (nfa,) = clocks(session, "no_further_action")
    assert (nfa.stopped_by, nfa.stopped_at) == (duties.TOLD_BY_OFFICER, datetime(2026, 11, 24, 15, 0))
    assert breach_alerts(session) == []  # told in time


def test_staff_stop_the_clock(session):
    make_case(session)
    staff = make_staff(session)
    send(session, "outcome", "e1", FRIDAY_MORNING, outcome="The court found the accused guilty.")
    clock_pass(session, MONDAY)
    stop_by_staff(session, clock_id=clocks(session, "outcome")[0].id, staff_id=staff.id, now=MONDAY)
    session.commit()
    clock_pass(session, AFTER_DUE)
    (outcome,) = clocks(session, "outcome")
    assert (outcome.stopped_by, outcome.stopped_staff_id) == (duties.TOLD_BY_STAFF, staff.id)
    assert breach_alerts(session) == []


def test_a_breach_alerts_supervisors_once_however_often_the_job_runs(session):
    make_case(session)
    send(session, "status_change", "e1", FRIDAY_MORNING, status="released_under_investigation")
    first = clock_pass(session, AFTER_DUE)
    again = clock_pass(session, AFTER_DUE + timedelta(minutes=5))
    (alert,) = breach_alerts(session)
    assert alert.detail == {"reference": "SP/20001/26", "duty": "Released under investigation",
                            "due": "2026-11-27", "officer": "DC Example Jones"}
    assert (first.breached, again.opened, again.stopped, again.breached) == (1, 0, 0, 0)
    assert len(clocks(session, "released_under_investigation")) == 1


def test_a_month_under_investigation_needs_news_and_a_referral_two_working_days(session):
    _case, victim = make_case(session, status_changed_at=datetime(2026, 10, 30, 10, 0))
    agency = Agency(slug="support", name="Support", needs=[], areas=[], postcode_districts=[], genders=[],
                    opening_hours={}, languages=[])
    session.add(agency)
    session.flush()
    session.add(Referral(agency_id=agency.id, sender_id="sms:+447700900555", channel="sms", victim_id=victim.id,
                         need="emotional_support", created_at=datetime(2026, 11, 20, 9, 0)))
    session.commit()
    clock_pass(session, MONDAY)
    (progress,) = clocks(session, duties.PROGRESS)
    (referral,) = clocks(session, duties.REFERRAL)
    assert progress.due_on == date(2026, 11, 30)  # 30 November, a Monday
    assert referral.due_on == date(2026, 11, 24)
    send(session, "victim_informed", "e1", "2026-11-25T10:00:00Z")
    clock_pass(session, datetime(2026, 11, 25, 11, 0))
    told, next_month = clocks(session, duties.PROGRESS)
    assert told.stopped_by == duties.TOLD_BY_OFFICER
    assert (next_month.stopped_at, next_month.due_on) == (None, date(2026, 12, 29))  # 25 Dec a month on: holidays


async def test_the_worker_job_opens_clocks_on_its_own(session):
    make_case(session)
    send(session, "status_change", "e1", FRIDAY_MORNING, status="charged")
    stop = asyncio.Event()
    job = asyncio.create_task(repeat(stop, 60.0, run_clock_pass_now, "clock pass"))
    try:
        await wait_until(lambda: clocks(session, "charge"), timeout=10.0)
    finally:
        stop.set()
        await asyncio.wait_for(job, timeout=10.0)
    assert len(breach_alerts(session)) == 1  # today is long after that Friday's clock ran out
