"""Decorators that keep console pages, posts and the API behind authentication."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import tokens_match
from bot.console.web import ConsoleUser, csrf_valid, current_user, redirect_to
from bot.settings import get_settings

Handler = Callable[..., Awaitable[HTTPResponse]]


def staff_page(handler: Handler) -> Handler:
    """Signed-in staff only: others are sent to the log-in page (JSON polling gets a 401)."""

    @wraps(handler)
    async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        user = current_user(request)
        if user is None:
            if request.path.endswith(".json"):
                return response.json({"error": "not signed in"}, status=401)
            return redirect_to("/login")
        return await handler(request, user, *args, **kwargs)

    return guarded


def staff_post(handler: Handler) -> Handler:
    """Signed-in staff only, and the session's CSRF token must come with the POST."""

    @wraps(handler)
    async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        user = current_user(request)
        if user is None:
            return redirect_to("/login")
        if not csrf_valid(request, user):
            return response.text("The form was out of date. Go back, reload the page and try again.", status=403)
        return await handler(request, user, *args, **kwargs)

    return guarded


def supervisor_only(user: ConsoleUser) -> HTTPResponse | None:
    """A 403 response unless the user is a supervisor."""
    if user.is_supervisor:
        return None
    return response.text("Only supervisors can do this.", status=403)


def api_token(handler: Handler) -> Handler:
    """The JSON API: enabled only with HAVEN_CONSOLE_API_TOKEN, and then only with that bearer token."""

    @wraps(handler)
    async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        expected = get_settings().console_api_token
        if not expected:
            return response.json({"error": "the console API is disabled"}, status=404)
        scheme, _space, given = (request.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not tokens_match(expected, given.strip()):
            return response.json(
                {"error": "unauthorised"}, status=401, headers={"WWW-Authenticate": 'Bearer realm="haven-console"'}
            )
        return await handler(request, *args, **kwargs)

    return guarded
