"""The console's Victims' Code clocks page, its "Victim told" button, and the commissioner's CSV export."""

from __future__ import annotations

import csv
import io

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.clocks import dashboard
from bot.clocks.stopping import NotStoppable, stop_by_staff
from bot.console import audit
from bot.console.guards import staff_page, staff_post, supervisor_only
from bot.console.web import ConsoleUser, redirect_to, render
from bot.db import session_scope
from bot.models.base import utcnow
from bot.off_loop import run_blocking
from bot.settings import get_settings

NOTICES = {"told": "Saved: the victim has been told. That clock has stopped."}
SPREADSHEET_FORMULA_STARTS = ("=", "+", "-", "@")  # a cell starting so would run as a formula when opened


def _clocks_page(user: ConsoleUser, *, notice: str | None = None, status: int = 200) -> HTTPResponse:
    """The page (the view audited); blocking (database)."""
    now, zone = utcnow(), get_settings().timezone
    with session_scope() as session:
        audit.record(session, staff_id=user.staff_id, action="view_clocks")
        buckets = dashboard.open_clocks_by_officer(session, now=now, zone=zone)
        weeks = dashboard.weekly_compliance(session, now=now, zone=zone)
    return render(
        "clocks.html", nav="clocks", user=user, buckets=buckets, bars=dashboard.bars(weeks), chart=dashboard,
        notice=notice, status=status,
    )


@staff_page
async def clocks_page(request: Request, user: ConsoleUser) -> HTTPResponse:
    return await run_blocking(_clocks_page, user, notice=NOTICES.get(request.args.get("notice", "")))


def _told(user: ConsoleUser, clock_id: int) -> HTTPResponse:
    try:
        with session_scope() as session:
            clock = stop_by_staff(session, clock_id=clock_id, staff_id=user.staff_id, now=utcnow())
            audit.record(session, staff_id=user.staff_id, action="clock_victim_told", target=str(clock.id),
                         duty=clock.duty, case_id=clock.case_id)
    except NotStoppable:
        return response.text("That clock has already stopped. Go back and reload the page.", status=409)
    return redirect_to("/clocks?notice=told")


@staff_post
async def told_post(request: Request, user: ConsoleUser, clock_id: int) -> HTTPResponse:
    """Any signed-in staff member records that the victim was told (audited)."""
    return await run_blocking(_told, user, clock_id)


def _cell(value: object) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(SPREADSHEET_FORMULA_STARTS) else text


def _export(user: ConsoleUser) -> HTTPResponse:
    with session_scope() as session:
        rows = dashboard.export_rows(session, zone=get_settings().timezone)
        audit.record(session, staff_id=user.staff_id, action="export_clocks", rows=len(rows))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=dashboard.CSV_COLUMNS)
    writer.writeheader()
    writer.writerows({key: _cell(value) for key, value in row.items()} for row in rows)
    return response.text(
        buffer.getvalue(), content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="victims-code-clocks-{utcnow():%Y-%m-%d}.csv"'},
    )


@staff_page
async def export_csv(request: Request, user: ConsoleUser) -> HTTPResponse:
    """Supervisors export every clock for the commissioner's reporting (audited); workers get 403."""
    refused = supervisor_only(user)
    if refused:
        return refused
    return await run_blocking(_export, user)


def register(blueprint: Blueprint) -> None:
    """Add the clocks routes to the console blueprint."""
    blueprint.add_route(clocks_page, "/clocks", methods=["GET"], name="clocks_page")
    blueprint.add_route(export_csv, "/clocks.csv", methods=["GET"], name="clocks_csv")
    blueprint.add_route(told_post, "/clocks/<clock_id:int>/told", methods=["POST"], name="clock_told")
