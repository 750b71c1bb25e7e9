"""The console's live conversations: every conversation of the last 24 hours, its transcript, and take-over."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import audit, operations
from bot.console.guards import staff_page, staff_post
from bot.console.pages_queue import masked_contact
from bot.console.web import ConsoleUser, redirect_to, render
from bot.db import session_scope
from bot.handoff.queue import ClaimConflict, HandoffError
from bot.live.listing import (
    RISK_FILTERS,
    SORTS,
    STATE_LABELS,
    STATES,
    LiveItem,
    find_live,
    list_live,
    live_item,
    matches,
    open_handoffs,
)
from bot.models.base import utcnow
from bot.off_loop import run_blocking

RISK_FILTER_LABELS = {"all": "Any risk", "watch": "Watch or higher", "escalated": "Escalated only"}
SORT_LABELS = {"risk": "Highest risk first", "recent": "Most recent message first"}
ERRORS = {
    "conflict": "Another worker is handling this conversation. A supervisor can take it over.",
    "invalid": "That couldn't be done. Reload the page and try again.",
}


def ago(moment: datetime, now: datetime) -> str:
    """'just now', '12 min ago', '3 h 5 min ago'."""
    minutes = max(0, int((now - moment).total_seconds() // 60))
    if minutes < 1:
        return "just now"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min ago" if hours else f"{minutes} min ago"


def live_row(item: LiveItem, now: datetime) -> dict[str, Any]:
    """One conversation for the page and its feed: no address beyond the last four characters, no text."""
    tier = "escalate" if item.escalated else "watch" if item.watch else "none"
    return {
        "ref": item.ref,
        "contact": masked_contact(item.sender_id),
        "channel": item.channel,
        "state": item.state,
        "state_label": STATE_LABELS[item.state],
        "score": round(item.max_risk_score, 2),
        "score_label": f"{item.max_risk_score:.2f}",
        "tier": tier,
        "category_label": (item.max_risk_category or "").replace("_", " "),
        "last_message_at": item.last_message_at.isoformat(timespec="seconds"),
        "ago": ago(item.last_message_at, now),
        "message_count": item.message_count,
        "handoff_id": item.handoff_id,
        "claimed_by": item.claimed_by,
    }


def filters_from(request: Request) -> dict[str, str]:
    """The view's risk, state and sort choices from the query string (unknown values fall back)."""
    risk, state, sort = (request.args.get(name, "") for name in ("risk", "state", "sort"))
    return {
        "risk": risk if risk in RISK_FILTERS else "all",
        "state": state if state in STATES else "",
        "sort": sort if sort in SORTS else "risk",
    }


def live_snapshot(filters: dict[str, str]) -> dict[str, Any]:
    """The filtered, sorted rows and a count per state over every live conversation; blocking (database)."""
    now = utcnow()
    with session_scope() as session:
        items = list_live(session, now=now, sort=filters["sort"])
    counts = {state: sum(item.state == state for item in items) for state in STATES}
    shown = [live_row(item, now) for item in items if matches(item, risk=filters["risk"], state=filters["state"])]
    return {"items": shown, "counts": counts, "total": len(items)}


@staff_page
async def live_page(request: Request, user: ConsoleUser) -> HTTPResponse:
    """Every conversation active in the last 24 hours; updated live by live.js."""
    filters = filters_from(request)
    snapshot = await run_blocking(_audited_snapshot, user.staff_id, filters)
    return render(
        "live.html",
        nav="live",
        user=user,
        snapshot=snapshot,
        filters=filters,
        risk_filters=RISK_FILTER_LABELS,
        states=STATE_LABELS,
        sorts=SORT_LABELS,
    )


@staff_page
async def live_feed(request: Request, user: ConsoleUser) -> HTTPResponse:
    """The live view as JSON, polled every two seconds."""
    return response.json(await run_blocking(live_snapshot, filters_from(request)))


def _audited_snapshot(staff_id: int, filters: dict[str, str]) -> dict[str, Any]:
    """The live view's rows, its opening audited first; blocking (database)."""
    with session_scope() as session:
        audit.record(session, staff_id=staff_id, action="view_live", via="console")
    return live_snapshot(filters)


def _conversation(ref: str) -> dict[str, Any] | None:
    """One live conversation's row, sender and category; blocking (database): call it through run_blocking."""
    with session_scope() as session:
        row = find_live(session, ref=ref)
        if row is None:
            return None
        item = live_item(row, open_handoffs(session).get(row.sender_id), utcnow())
        return {**live_row(item, utcnow()), "sender_id": row.sender_id, "category": item.max_risk_category}


def _not_found(user: ConsoleUser) -> HTTPResponse:
    message = "There is no such conversation."
    return render("message.html", user=user, title="Not found", message=message, status=404)


@staff_page
async def live_conversation_page(request: Request, user: ConsoleUser, ref: str) -> HTTPResponse:
    """A conversation's transcript (opening it is audited) and the take-over control."""
    view = await run_blocking(_conversation, ref)
    if view is None:
        return _not_found(user)
    view["transcript"] = await audit.read_transcript(
        request.app.ctx.agent, sender_id=view["sender_id"], staff_id=user.staff_id, route="live_page", via="console"
    )
    error = ERRORS.get(request.args.get("error", ""))
    return render("live_conversation.html", nav="live", user=user, view=view, error=error)


@staff_page
async def live_transcript_feed(request: Request, user: ConsoleUser, ref: str) -> HTTPResponse:
    """The transcript as JSON, polled by the page for new messages."""
    view = await run_blocking(_conversation, ref)
    if view is None:
        return response.json({"error": "not found"}, status=404)
    transcript = await audit.read_transcript(
        request.app.ctx.agent, sender_id=view["sender_id"], staff_id=user.staff_id, route="live_feed", via="console"
    )
    return response.json({"state": view["state"], "transcript": transcript})


@staff_post
async def take_over_post(request: Request, user: ConsoleUser, ref: str) -> HTTPResponse:
    """Pause the bot, tell the victim a person joined, and go to the usual hand-off page."""
    view = await run_blocking(_conversation, ref)
    if view is None:
        return _not_found(user)
    try:
        handoff_id = await operations.take_over(
            request.app.ctx.agent,
            sender_id=view["sender_id"],
            channel=view["channel"],
            staff_id=user.staff_id,
            via="console",
            category=view["category"],
        )
    except HandoffError as error:
        code = "conflict" if isinstance(error, ClaimConflict) else "invalid"
        return redirect_to(f"/live/{ref}?error={code}")
    return redirect_to(f"/conversations/{handoff_id}?notice=claimed")


def register(blueprint: Blueprint) -> None:
    """Add the live-conversation routes to the console blueprint."""
    blueprint.add_route(live_page, "/live", methods=["GET"], name="live_page")
    blueprint.add_route(live_feed, "/live.json", methods=["GET"], name="live_feed")
    blueprint.add_route(live_conversation_page, "/live/<ref:str>", methods=["GET"], name="live_conversation_page")
    blueprint.add_route(
        live_transcript_feed, "/live/<ref:str>/transcript.json", methods=["GET"], name="live_transcript_feed"
    )
    blueprint.add_route(take_over_post, "/live/<ref:str>/take-over", methods=["POST"], name="take_over_post")
