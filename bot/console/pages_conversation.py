"""The console's conversation page and the staff actions posted from it."""

from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import audit, operations
from bot.console.canned import canned_responses
from bot.console.case_view import case_summary_for
from bot.console.guards import staff_page, staff_post, supervisor_only
from bot.console.pages_queue import REASON_LABELS
from bot.console.staff_store import list_staff
from bot.console.transcript import current_slots
from bot.console.web import ConsoleUser, form_value, redirect_to, render
from bot.db import session_scope
from bot.handoff.queue import OUTCOMES, ClaimConflict, HandoffError, HandoffNotFound, NotSafeToMessage, get_handoff
from bot.off_loop import run_blocking

NOTICES = {
    "claimed": "You are now handling this conversation.",
    "sent": "Reply sent.",
    "noted": "Note saved.",
    "closed": "Conversation closed.",
    "closed_untold": "Conversation closed. Nothing was sent to them: they said it is not safe to message them.",
    "reassigned": "Conversation reassigned.",
}
ERRORS = {
    "conflict": "Another worker is handling this conversation. A supervisor can reassign it.",
    "invalid": "That couldn't be done. Check the form (a reply or note can't be empty) and try again.",
    "not_safe": str(NotSafeToMessage()),
}
OUTCOME_LABELS = {outcome: outcome.replace("_", " ").capitalize() for outcome in OUTCOMES}


def _agent(request: Request):  # type: ignore[no-untyped-def]
    return request.app.ctx.agent


@staff_page
async def conversation_page(request: Request, user: ConsoleUser, handoff_id: int) -> HTTPResponse:
    """Transcript, case summary (if verified), notes, and the claim/reply/close controls."""
    try:
        view = await operations.view_conversation(
            _agent(request), handoff_id=handoff_id, staff_id=user.staff_id, via="console", route="conversation_page"
        )
    except HandoffNotFound:
        return render(
            "message.html",
            user=user,
            title="Not found",
            message="There is no such conversation in the queue.",
            status=404,
        )
    slots = await current_slots(_agent(request), sender_id=view["sender_id"])
    colleagues = await run_blocking(_colleagues) if user.is_supervisor else []
    return render(
        "conversation.html",
        user=user,
        view=view,
        case_summary=case_summary_for(slots),
        canned=canned_responses(),
        outcomes=OUTCOME_LABELS,
        colleagues=colleagues,
        notice=NOTICES.get(request.args.get("notice", "")),
        error=ERRORS.get(request.args.get("error", "")),
        holds=view["claimed_by_id"] == user.staff_id,
        reasons=REASON_LABELS,
    )


def _colleagues() -> list[tuple[str, str]]:
    """Active staff (username, name) a supervisor may reassign to; blocking (database)."""
    with session_scope() as session:
        return [(staff.username, staff.display_name) for staff in list_staff(session) if staff.active]


def _handoff_state(handoff_id: int) -> tuple[str, str] | None:
    """The hand-off's sender and status, None if there is none; blocking (database)."""
    with session_scope() as session:
        try:
            handoff = get_handoff(session, handoff_id=handoff_id)
        except HandoffNotFound:
            return None
        return handoff.sender_id, handoff.status


@staff_page
async def transcript_feed(request: Request, user: ConsoleUser, handoff_id: int) -> HTTPResponse:
    """The transcript as JSON, polled by the conversation page for new messages."""
    found = await run_blocking(_handoff_state, handoff_id)
    if found is None:
        return response.json({"error": "not found"}, status=404)
    sender_id, status = found
    transcript = await audit.read_transcript(
        _agent(request), sender_id=sender_id, staff_id=user.staff_id, route="transcript_feed", via="console",
        handoff_id=handoff_id,
    )
    return response.json({"status": status, "transcript": transcript})


def _back(handoff_id: int, *, notice: str | None = None, error: HandoffError | None = None) -> HTTPResponse:
    if error is not None:
        code = "invalid"
        if isinstance(error, ClaimConflict):
            code = "not_safe" if isinstance(error, NotSafeToMessage) else "conflict"
        return redirect_to(f"/conversations/{handoff_id}?error={code}")
    return redirect_to(f"/conversations/{handoff_id}?notice={notice}")


@staff_post
async def claim_post(request: Request, user: ConsoleUser, handoff_id: int) -> HTTPResponse:
    try:
        await run_blocking(operations.claim, handoff_id=handoff_id, staff_id=user.staff_id, via="console")
    except HandoffError as error:
        return _back(handoff_id, error=error)
    return _back(handoff_id, notice="claimed")


@staff_post
async def reply_post(request: Request, user: ConsoleUser, handoff_id: int) -> HTTPResponse:
    try:
        await operations.reply(
            _agent(request),
            handoff_id=handoff_id,
            staff_id=user.staff_id,
            text=form_value(request, "text"),
            via="console",
        )
    except HandoffError as error:
        return _back(handoff_id, error=error)
    return _back(handoff_id, notice="sent")


@staff_post
async def note_post(request: Request, user: ConsoleUser, handoff_id: int) -> HTTPResponse:
    try:
        await run_blocking(
            operations.add_note,
            handoff_id=handoff_id, staff_id=user.staff_id, body=form_value(request, "body"), via="console",
        )
    except HandoffError as error:
        return _back(handoff_id, error=error)
    return _back(handoff_id, notice="noted")


@staff_post
async def close_post(request: Request, user: ConsoleUser, handoff_id: int) -> HTTPResponse:
    try:
        told = await operations.close(
            _agent(request),
            handoff_id=handoff_id,
            staff_id=user.staff_id,
            outcome=form_value(request, "outcome"),
            resolution=form_value(request, "resolution"),
            via="console",
        )
    except HandoffError as error:
        return _back(handoff_id, error=error)
    return _back(handoff_id, notice="closed" if told else "closed_untold")


@staff_post
async def reassign_post(request: Request, user: ConsoleUser, handoff_id: int) -> HTTPResponse:
    refused = supervisor_only(user)
    if refused:
        return refused
    try:
        await run_blocking(
            operations.reassign,
            handoff_id=handoff_id, staff_id=user.staff_id, to_username=form_value(request, "to"), via="console",
        )
    except HandoffError as error:
        return _back(handoff_id, error=error)
    return _back(handoff_id, notice="reassigned")


def register(blueprint: Blueprint) -> None:
    """Add the conversation routes to the console blueprint."""
    base = "/conversations/<handoff_id:int>"
    blueprint.add_route(conversation_page, base, methods=["GET"], name="conversation_page")
    blueprint.add_route(transcript_feed, f"{base}/transcript.json", methods=["GET"], name="transcript_feed")
    for action, handler in (
        ("claim", claim_post),
        ("reply", reply_post),
        ("notes", note_post),
        ("close", close_post),
        ("reassign", reassign_post),
    ):
        blueprint.add_route(handler, f"{base}/{action}", methods=["POST"], name=f"{action}_post")
