"""The console's clocks page lists overdue clocks under their officer, stops one with "Victim told" (audited),
and gives supervisors the commissioner's CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.clocks import duties
from bot.clocks.dashboard import CSV_COLUMNS, weekly_compliance
from bot.clocks.models import CodeClock
from bot.models.base import utcnow
from bot.models.staff import AuditEntry
from tests.cases.factories import make_case
from tests.clocks.conftest import clock_pass, clocks, send
from tests.console.conftest import CSRF_FIELD, log_in
from tests.console.test_pages import page
from tests.handoff.factories import make_staff


def _overdue_charge(session):
    """A charge three weeks ago nobody has told the victim about, with its clock open."""
    make_case(session, officer_name="DC Priya Shah")
    three_weeks_ago = (utcnow() - timedelta(weeks=3)).replace(microsecond=0)
    send(session, "status_change", "e1", three_weeks_ago.isoformat() + "Z", status="charged")
    clock_pass(session, utcnow())


async def test_overdue_clocks_are_listed_under_their_officer_and_staff_can_stop_one(console, http, session):
    make_staff(session)
    _overdue_charge(session)
    await log_in(http, console.base_url, "jo.worker")
    html = await page(http, f"{console.base_url}/console/clocks")
    overdue = html[html.index("Overdue"):html.index("Due today")]
    assert "DC Priya Shah" in overdue and "SP/20001/26" in overdue and "Charge" in overdue
    assert 'id="compliance-chart"' in html and ": 0 of 1 told in time" in html  # its week's bar, at 0%
    assert "Export CSV" not in html  # the export is for supervisors

    (clock,) = clocks(session, "charge")
    token = CSRF_FIELD.search(html).group(1)
    async with http.post(f"{console.base_url}/console/clocks/{clock.id}/told", data={"csrf_token": token},
                         allow_redirects=False) as response:
        assert response.status == 303
    html = await page(http, f"{console.base_url}/console/clocks?notice=told")
    assert "the victim has been told" in html and "DC Priya Shah" not in html
    assert clocks(session, "charge")[0].stopped_by == duties.TOLD_BY_STAFF
    assert session.scalars(select(AuditEntry.target).where(AuditEntry.action == "clock_victim_told")).all() == [
        str(clock.id)
    ]


async def test_supervisors_export_every_clock_as_csv_and_the_export_is_audited(console, http, session):
    make_staff(session, "lee.super", role="supervisor")
    _overdue_charge(session)
    await log_in(http, console.base_url, "lee.super")
    async with http.get(f"{console.base_url}/console/clocks.csv", allow_redirects=False) as response:
        assert response.status == 200 and response.content_type == "text/csv"
        rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert tuple(rows[0]) == CSV_COLUMNS
    charge = next(row for row in rows if row["duty"] == "charge")
    assert (charge["reference"], charge["officer"], charge["told_in_time"], charge["breached"]) == (
        "SP/20001/26", "DC Priya Shah", "open", "yes"
    )
    assert session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "export_clocks")).all() == [
        {"rows": len(rows)}
    ]


async def test_workers_cannot_export(console, http, session):
    make_staff(session)
    await log_in(http, console.base_url, "jo.worker")
    async with http.get(f"{console.base_url}/console/clocks.csv", allow_redirects=False) as response:
        assert response.status == 403


def test_an_open_clock_due_today_does_not_count_against_this_week_yet(session):
    make_case(session)
    now = datetime(2026, 12, 1, 10, 0)  # a Tuesday
    for key, due_on in (("today", date(2026, 12, 1)), ("yesterday", date(2026, 11, 30))):
        session.add(CodeClock(key=key, duty="charge", started_at=now, recorded_at=now, due_on=due_on))
    session.commit()
    this_week = weekly_compliance(session, now=now, zone="Europe/London")[-1]
    assert (this_week.week_starting, this_week.due, this_week.told_in_time) == (date(2026, 11, 30), 1, 0)
