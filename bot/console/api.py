"""The console's JSON API for integrations and tests: a per-staff bearer token says who acts.

The acting staff member is the token's owner. A body that names someone else ("staff": ...) is
refused with 403 and audited; naming the owner is accepted, so clients written for the old shared
token keep working once they send their own token.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from bot.console import audit, locks, operations
from bot.console.api_tokens import CONVERSATIONS_READ, CONVERSATIONS_WRITE, QUEUE_READ, ApiCaller
from bot.console.guards import api_access
from bot.db import session_scope
from bot.handoff.queue import ClaimConflict, HandoffError, HandoffNotFound, list_queue
from bot.models.base import utcnow
from bot.off_loop import in_session, run_blocking


def _body(request: Request) -> dict[str, Any]:
    try:
        body = request.json
    except Exception:  # sanic raises on malformed JSON
        return {}
    return body if isinstance(body, dict) else {}


async def _impersonation(request: Request, caller: ApiCaller, handoff_id: int) -> HTTPResponse | None:
    """A 403 (audited) when the body names a staff member other than the token's owner."""
    named = _body(request).get("staff")
    if named is None or str(named).strip().lower() == caller.username:
        return None
    await run_blocking(_audit_impersonation, caller, handoff_id, str(named))
    return response.json(
        {"error": "the token says who acts: a request cannot act as another staff member (remove 'staff')"},
        status=403,
    )


def _audit_impersonation(caller: ApiCaller, handoff_id: int, named: str) -> None:
    """Record the refused impersonation; blocking (database)."""
    with session_scope() as session:
        audit.record(
            session,
            staff_id=caller.staff_id,
            action="api_impersonation_refused",
            target=str(handoff_id),
            named=named[:80],
            via="api",
        )


def _error(error: HandoffError) -> HTTPResponse:
    status = 404 if isinstance(error, HandoffNotFound) else 409 if isinstance(error, ClaimConflict) else 400
    return response.json({"error": str(error)}, status=status)


@api_access(QUEUE_READ)
async def queue_api(request: Request, caller: ApiCaller) -> HTTPResponse:
    """Conversations waiting or being handled, most urgent first."""
    return response.json({"items": await run_blocking(_queue_items, caller.staff_id)})


def _queue_items(staff_id: int) -> list[dict[str, Any]]:
    """The queue as dictionaries, the read audited; blocking (database)."""
    with session_scope() as session:
        items = [item.to_dict() for item in list_queue(session)]
        audit.record(session, staff_id=staff_id, action="view_queue", via="api")
    return items


@api_access(CONVERSATIONS_READ)
async def conversation_api(request: Request, caller: ApiCaller, handoff_id: int) -> HTTPResponse:
    """One hand-off with its notes and full transcript (the read is audited)."""
    try:
        view = await operations.view_conversation(
            request.app.ctx.agent, handoff_id=handoff_id, staff_id=caller.staff_id, via="api", route="api_conversation"
        )
    except HandoffError as error:
        return _error(error)
    return response.json(view)


@api_access(CONVERSATIONS_WRITE)
async def claim_api(request: Request, caller: ApiCaller, handoff_id: int) -> HTTPResponse:
    refused = await _impersonation(request, caller, handoff_id)
    if refused:
        return refused
    try:
        await run_blocking(operations.claim, handoff_id=handoff_id, staff_id=caller.staff_id, via="api")
    except HandoffError as error:
        return _error(error)
    return response.json({"ok": True})


@api_access(CONVERSATIONS_WRITE)
async def reply_api(request: Request, caller: ApiCaller, handoff_id: int) -> HTTPResponse:
    refused = await _impersonation(request, caller, handoff_id)
    if refused:
        return refused
    try:
        await operations.reply(
            request.app.ctx.agent,
            handoff_id=handoff_id,
            staff_id=caller.staff_id,
            text=str(_body(request).get("text") or ""),
            via="api",
        )
    except HandoffError as error:
        return _error(error)
    return response.json({"ok": True})


@api_access(CONVERSATIONS_WRITE)
async def notes_api(request: Request, caller: ApiCaller, handoff_id: int) -> HTTPResponse:
    refused = await _impersonation(request, caller, handoff_id)
    if refused:
        return refused
    body = _body(request)
    try:
        await run_blocking(
            operations.add_note,
            handoff_id=handoff_id,
            staff_id=caller.staff_id,
            body=str(body.get("body") or body.get("text") or ""),
            via="api",
        )
    except HandoffError as error:
        return _error(error)
    return response.json({"ok": True})


@api_access(CONVERSATIONS_WRITE)
async def close_api(request: Request, caller: ApiCaller, handoff_id: int) -> HTTPResponse:
    refused = await _impersonation(request, caller, handoff_id)
    if refused:
        return refused
    body = _body(request)
    try:
        told_victim = await operations.close(
            request.app.ctx.agent,
            handoff_id=handoff_id,
            staff_id=caller.staff_id,
            outcome=str(body.get("outcome") or ""),
            resolution=str(body.get("resolution") or ""),
            via="api",
        )
    except HandoffError as error:
        return _error(error)
    return response.json({"ok": True, "told_victim": told_victim})  # False: they said not to message them


@api_access(CONVERSATIONS_READ)
async def locks_api(request: Request, caller: ApiCaller) -> HTTPResponse:
    """References locked now: when each lock ends, failed tries, different senders (the read is audited)."""
    return response.json({"items": await in_session(_locked_items, staff_id=caller.staff_id)})


def _locked_items(session: Session, *, staff_id: int) -> list[dict[str, Any]]:
    audit.record(session, staff_id=staff_id, action="view_locks", via="api")
    return locks.locked_now(session, now=utcnow())


@api_access(CONVERSATIONS_WRITE)
async def clear_lock_api(request: Request, caller: ApiCaller) -> HTTPResponse:
    """A supervisor's token clears a lock: {"reference", "identity_checked": true, "note"} (audited)."""
    body = _body(request)
    try:
        reference = await in_session(
            locks.clear,
            reference=str(body.get("reference") or ""),
            staff_id=caller.staff_id,
            identity_checked=body.get("identity_checked") is True,
            note=str(body.get("note") or ""),
            via="api",
            now=utcnow(),
        )
    except locks.ClearRefused as refusal:
        return response.json({"error": str(refusal)}, status=locks.refusal_status(refusal))
    return response.json({"ok": True, "reference": reference})


def register(blueprint: Blueprint) -> None:
    """Add the API routes to the console blueprint."""
    base = "/api/conversations/<handoff_id:int>"
    blueprint.add_route(queue_api, "/api/queue", methods=["GET"], name="api_queue")
    blueprint.add_route(conversation_api, base, methods=["GET"], name="api_conversation")
    blueprint.add_route(locks_api, "/api/locks", methods=["GET"], name="api_locks")
    blueprint.add_route(clear_lock_api, "/api/locks/clear", methods=["POST"], name="api_clear_lock")
    for action, handler in (("claim", claim_api), ("reply", reply_api), ("notes", notes_api), ("close", close_api)):
        blueprint.add_route(handler, f"{base}/{action}", methods=["POST"], name=f"api_{action}")
