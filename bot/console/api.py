"""The console's JSON API for integrations and tests (bearer token; staff named in each request)."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import audit, operations
from bot.console.guards import api_token
from bot.console.staff_store import find_staff
from bot.db import session_scope
from bot.handoff.queue import ClaimConflict, HandoffError, HandoffNotFound, list_queue


def _body(request: Request) -> dict[str, Any]:
    try:
        body = request.json
    except Exception:  # sanic raises on malformed JSON
        return {}
    return body if isinstance(body, dict) else {}


def _staff_id(request: Request) -> int | None:
    """The active staff member the request acts for ({"staff": username})."""
    username = str(_body(request).get("staff") or "")
    with session_scope() as session:
        staff = find_staff(session, username=username) if username else None
        return staff.id if staff is not None and staff.active else None


def _error(error: HandoffError) -> HTTPResponse:
    status = 404 if isinstance(error, HandoffNotFound) else 409 if isinstance(error, ClaimConflict) else 400
    return response.json({"error": str(error)}, status=status)


def _unknown_staff() -> HTTPResponse:
    return response.json({"error": "'staff' must be the username of an active staff account"}, status=400)


@api_token
async def queue_api(request: Request) -> HTTPResponse:
    """Conversations waiting or being handled, most urgent first."""
    with session_scope() as session:
        items = [item.to_dict() for item in list_queue(session)]
        audit.record(session, staff_id=None, action="view_queue", via="api")
    return response.json({"items": items})


@api_token
async def conversation_api(request: Request, handoff_id: int) -> HTTPResponse:
    """One hand-off with its notes and full transcript."""
    try:
        view = await operations.view_conversation(
            request.app.ctx.agent, handoff_id=handoff_id, staff_id=None, via="api"
        )
    except HandoffError as error:
        return _error(error)
    return response.json(view)


@api_token
async def claim_api(request: Request, handoff_id: int) -> HTTPResponse:
    staff_id = _staff_id(request)
    if staff_id is None:
        return _unknown_staff()
    try:
        operations.claim(handoff_id=handoff_id, staff_id=staff_id, via="api")
    except HandoffError as error:
        return _error(error)
    return response.json({"ok": True})


@api_token
async def reply_api(request: Request, handoff_id: int) -> HTTPResponse:
    staff_id = _staff_id(request)
    if staff_id is None:
        return _unknown_staff()
    try:
        await operations.reply(
            request.app.ctx.agent,
            handoff_id=handoff_id,
            staff_id=staff_id,
            text=str(_body(request).get("text") or ""),
            via="api",
        )
    except HandoffError as error:
        return _error(error)
    return response.json({"ok": True})


@api_token
async def notes_api(request: Request, handoff_id: int) -> HTTPResponse:
    staff_id = _staff_id(request)
    if staff_id is None:
        return _unknown_staff()
    body = _body(request)
    try:
        operations.add_note(
            handoff_id=handoff_id, staff_id=staff_id, body=str(body.get("body") or body.get("text") or ""), via="api"
        )
    except HandoffError as error:
        return _error(error)
    return response.json({"ok": True})


@api_token
async def close_api(request: Request, handoff_id: int) -> HTTPResponse:
    staff_id = _staff_id(request)
    if staff_id is None:
        return _unknown_staff()
    body = _body(request)
    try:
        await operations.close(
            request.app.ctx.agent,
            handoff_id=handoff_id,
            staff_id=staff_id,
            outcome=str(body.get("outcome") or ""),
            resolution=str(body.get("resolution") or ""),
            via="api",
        )
    except HandoffError as error:
        return _error(error)
    return response.json({"ok": True})


def register(blueprint: Blueprint) -> None:
    """Add the API routes to the console blueprint."""
    base = "/api/conversations/<handoff_id:int>"
    blueprint.add_route(queue_api, "/api/queue", methods=["GET"], name="api_queue")
    blueprint.add_route(conversation_api, base, methods=["GET"], name="api_conversation")
    for action, handler in (("claim", claim_api), ("reply", reply_api), ("notes", notes_api), ("close", close_api)):
        blueprint.add_route(handler, f"{base}/{action}", methods=["POST"], name=f"api_{action}")
