"""The console's "Locked references" page, and the form a supervisor posts to clear a lock."""

from __future__ import annotations

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import audit, locks
from bot.console.guards import staff_page, staff_post, supervisor_only
from bot.console.web import ConsoleUser, form_value, redirect_to, render
from bot.db import session_scope
from bot.models.base import utcnow
from bot.off_loop import run_blocking

NOTICES = {"cleared": "Lock cleared. The victim can try to verify again now."}


def _locks_page(user: ConsoleUser, *, notice: str | None = None, error: str | None = None,
                status: int = 200) -> HTTPResponse:
    """The page (the view audited); blocking (database): handlers call it through run_blocking."""
    now = utcnow()
    with session_scope() as session:
        audit.record(session, staff_id=user.staff_id, action="view_locks")
        locked = locks.locked_now(session, now=now)
        cleared = locks.recent_clears(session, now=now)
    return render(
        "locks.html",
        nav="locks",
        user=user,
        locked=locked,
        cleared=cleared,
        note_limit=locks.NOTE_LIMIT,
        notice=notice,
        error=error,
        status=status,
    )


@staff_page
async def locks_page(request: Request, user: ConsoleUser) -> HTTPResponse:
    """Every signed-in staff member sees what is locked; only supervisors get the clear form."""
    return await run_blocking(_locks_page, user, notice=NOTICES.get(request.args.get("notice", "")))


@staff_post
async def clear_lock_post(request: Request, user: ConsoleUser) -> HTTPResponse:
    """A supervisor clears a lock, confirming they checked the victim's identity by phone (workers get 403)."""
    refused = supervisor_only(user)
    if refused:
        return refused
    return await run_blocking(
        _clear,
        user,
        reference=form_value(request, "reference"),
        identity_checked=form_value(request, "identity_checked") == "yes",
        note=form_value(request, "note"),
    )


def _clear(user: ConsoleUser, *, reference: str, identity_checked: bool, note: str) -> HTTPResponse:
    """Clear (audited) and go back to the page, or show the page again saying why not; blocking (database)."""
    try:
        with session_scope() as session:
            locks.clear(
                session, reference=reference, staff_id=user.staff_id, identity_checked=identity_checked, note=note,
                via="console", now=utcnow(),
            )
    except locks.ClearRefused as refusal:
        return _locks_page(user, error=str(refusal), status=locks.refusal_status(refusal))
    return redirect_to("/locks?notice=cleared")


def register(blueprint: Blueprint) -> None:
    """Add the locked-references routes to the console blueprint."""
    blueprint.add_route(locks_page, "/locks", methods=["GET"], name="locks_page")
    blueprint.add_route(clear_lock_post, "/locks/clear", methods=["POST"], name="clear_lock")
