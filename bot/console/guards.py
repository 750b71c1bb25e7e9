"""Decorators that keep console pages, posts and the API behind authentication."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from bot.console import api_tokens, audit
from bot.console.auth import tokens_match
from bot.console.web import PREFIX, ConsoleUser, csrf_valid, current_user, redirect_to
from bot.models.staff import AGENCY_ROLE, Staff
from bot.off_loop import in_session
from bot.settings import get_settings

Handler = Callable[..., Awaitable[HTTPResponse]]
AGENCY_PATHS = ("/referrals", "/logout")  # all an agency account may use (bot/console/pages_agency.py)


def agency_refused(request: Request, user: ConsoleUser) -> HTTPResponse | None:
    """Agency accounts get only their Referrals page: the queue sends them there, any other page is a 403."""
    if user.role != AGENCY_ROLE:
        return None
    path = request.path.removeprefix(PREFIX)
    if path in ("", "/"):
        return redirect_to(AGENCY_PATHS[0])
    if any(path == allowed or path.startswith(f"{allowed}/") for allowed in AGENCY_PATHS):
        return None
    return response.text("Agency accounts can only use the Referrals page.", status=403)


def staff_page(handler: Handler) -> Handler:
    """Signed-in staff only: others are sent to the log-in page (JSON polling gets a 401)."""

    @wraps(handler)
    async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        user = await current_user(request)
        if user is None:
            if request.path.endswith(".json"):
                return response.json({"error": "not signed in"}, status=401)
            return redirect_to("/login")
        return agency_refused(request, user) or await handler(request, user, *args, **kwargs)

    return guarded


def staff_post(handler: Handler) -> Handler:
    """Signed-in staff only, and the session's CSRF token must come with the POST."""

    @wraps(handler)
    async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        user = await current_user(request)
        if user is None:
            return redirect_to("/login")
        if not csrf_valid(request, user):
            return response.text("The form was out of date. Go back, reload the page and try again.", status=403)
        return agency_refused(request, user) or await handler(request, user, *args, **kwargs)

    return guarded


def supervisor_only(user: ConsoleUser) -> HTTPResponse | None:
    """A 403 response unless the user is a supervisor."""
    if user.is_supervisor:
        return None
    return response.text("Only supervisors can do this.", status=403)


SHARED_CREDENTIAL_RETIRED = (
    "The shared HAVEN_CONSOLE_API_TOKEN has been retired: each person or integration now has its own token. "
    "Issue one on the console's Account page or with `python -m bot staff token USERNAME`, "
    "then unset HAVEN_CONSOLE_API_TOKEN."
)


def _unauthorised(error: str = "unauthorised") -> HTTPResponse:
    return response.json({"error": error}, status=401, headers={"WWW-Authenticate": 'Bearer realm="haven-console"'})


def _owned_by_agency(session: Session, *, staff_id: int) -> bool:
    owner = session.get(Staff, staff_id)
    return owner is not None and owner.role == AGENCY_ROLE


def api_access(scope: str) -> Callable[[Handler], Handler]:
    """The JSON API: a per-staff bearer token whose role allows `scope`; the handler gets who acts (ApiCaller)."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            scheme, _space, given = (request.headers.get("Authorization") or "").partition(" ")
            given = given.strip()
            if scheme.lower() != "bearer" or not given:
                return _unauthorised()
            if tokens_match(get_settings().console_api_token, given):
                return _unauthorised(SHARED_CREDENTIAL_RETIRED)
            caller = await in_session(api_tokens.resolve, secret=given)
            if caller is None:
                return _unauthorised()
            if await in_session(_owned_by_agency, staff_id=caller.staff_id):
                return response.json({"error": "agency accounts cannot use the console API"}, status=403)
            if not caller.may(scope):
                return response.json({"error": f"this token's role ({caller.role}) does not allow {scope}"}, status=403)
            acting = audit.acting_token.set(caller.token_id)
            try:
                return await handler(request, caller, *args, **kwargs)
            finally:
                audit.acting_token.reset(acting)

        return guarded

    return decorate
