"""The console's queue page, its live JSON feed, and supervisors' alerts."""

from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.cases.identities import SenderAddress
from bot.console import alerts, audit
from bot.console.guards import staff_page, staff_post, supervisor_only
from bot.console.web import ConsoleUser, local_time, redirect_to, render
from bot.db import session_scope
from bot.handoff.queue import QueueItem, list_queue
from bot.handoff.rota import staff_on_duty
from bot.off_loop import run_blocking

LEVEL_LABELS = {"imminent": "Imminent risk", "high": "High risk", "medium": "Medium risk", "normal": "Normal"}
REASON_LABELS = {
    "risk": "Risk detected",
    "requested": "Asked for a person",
    "fallback": "Bot didn't understand",
    "verification": "Verification problem",
    "staff_takeover": "Taken over by staff",
}


def masked_contact(sender_id: str) -> str:
    """A queue label that doesn't show the whole address: "sms ...0123"."""
    channel, address = SenderAddress.parse(sender_id)
    return f"{channel} …{address[-4:]}" if len(address) > 4 else f"{channel} {address}"


def morning_label(item: QueueItem) -> str:
    """"Waiting since 23:10, opened out of hours" for a morning task (the page and its live feed say the same)."""
    return f"Waiting since {local_time(item.opened_at)}, opened out of hours" if item.opened_out_of_hours else ""


def queue_row(item: QueueItem) -> dict:
    """One queue entry for the page's live feed."""
    row = item.to_dict()
    row.update(
        contact=masked_contact(item.sender_id),
        level_label=LEVEL_LABELS.get(item.level, item.level),
        reason_label=REASON_LABELS.get(item.reason, item.reason),
        category_label=(item.category or "").replace("_", " "),
        morning_label=morning_label(item),
    )
    del row["sender_id"]
    return row


def queue_snapshot() -> dict:
    """The queue and whether staff are on duty; blocking (database)."""
    with session_scope() as session:
        rows = [queue_row(item) for item in list_queue(session)]
        return {"items": rows, "on_duty": staff_on_duty(session)}


@staff_page
async def queue_page(request: Request, user: ConsoleUser) -> HTTPResponse:
    """The queue, most urgent first; updated live by console.js."""
    return await run_blocking(_queue_page, user)


def _queue_page(user: ConsoleUser) -> HTTPResponse:
    """The queue page (the view audited; supervisors see open alerts); blocking (database)."""
    with session_scope() as session:
        audit.record(session, staff_id=user.staff_id, action="view_queue")
        open_alerts = alerts.open_alerts(session) if user.is_supervisor else []
    return render("queue.html", user=user, snapshot=queue_snapshot(), alerts=open_alerts)


@staff_page
async def queue_feed(request: Request, user: ConsoleUser) -> HTTPResponse:
    """The queue as JSON, polled every two seconds by the queue page."""
    return response.json(await run_blocking(queue_snapshot))


@staff_post
async def acknowledge_alert(request: Request, user: ConsoleUser, alert_id: int) -> HTTPResponse:
    """A supervisor marks an alert as seen."""
    refused = supervisor_only(user)
    if refused:
        return refused
    await run_blocking(_acknowledge, alert_id, user.staff_id)
    return redirect_to("/")


def _acknowledge(alert_id: int, staff_id: int) -> None:
    """Mark the alert seen (audited); blocking (database)."""
    with session_scope() as session:
        if alerts.acknowledge(session, alert_id=alert_id, staff_id=staff_id):
            audit.record(session, staff_id=staff_id, action="acknowledge_alert", target=str(alert_id))


def register(blueprint: Blueprint) -> None:
    """Add the queue routes to the console blueprint."""
    blueprint.add_route(queue_page, "", methods=["GET"], name="queue_page", strict_slashes=False)
    blueprint.add_route(queue_feed, "/queue.json", methods=["GET"], name="queue_feed")
    blueprint.add_route(
        acknowledge_alert, "/alerts/<alert_id:int>/acknowledge", methods=["POST"], name="acknowledge_alert"
    )
