"""Console log-in and log-out pages."""

from __future__ import annotations

import secrets

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import audit
from bot.console.auth import authenticate, create_session, end_session, tokens_match
from bot.console.guards import staff_post
from bot.console.web import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    ConsoleUser,
    clear_cookie,
    current_user,
    form_value,
    redirect_to,
    render,
    set_cookie,
    set_session_cookie,
)
from bot.db import session_scope

LOGIN_FORM_LIFETIME = 3600
GENERIC_ERROR = "Those details didn't work. Check them and try again, or ask a supervisor."


def _login_page(error: str | None = None, status: int = 200) -> HTTPResponse:
    form_token = secrets.token_urlsafe(32)
    resp = render("login.html", csrf_token=form_token, error=error, status=status)
    set_cookie(resp, LOGIN_CSRF_COOKIE, form_token, max_age=LOGIN_FORM_LIFETIME)
    return resp


async def login_form(request: Request) -> HTTPResponse:
    """The log-in page (signed-in staff go straight to the queue)."""
    if current_user(request) is not None:
        return redirect_to("/")
    return _login_page()


async def login_submit(request: Request) -> HTTPResponse:
    """Check the credentials; the same generic error for every kind of failure."""
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), form_value(request, "csrf_token")):
        return _login_page("Your log-in form expired. Please try again.", status=403)
    username = form_value(request, "username").lower()
    password = (request.form or {}).get("password") or ""
    with session_scope() as session:
        staff = authenticate(session, username=username, password=password) if username and password else None
        if staff is None:
            audit.record(session, staff_id=None, action="login_failed", target=username[:80])
        else:
            token, _row = create_session(session, staff=staff)
            audit.record(session, staff_id=staff.id, action="login")
    if staff is None:
        return _login_page(GENERIC_ERROR, status=401)
    resp = redirect_to("/")
    set_session_cookie(resp, token)
    clear_cookie(resp, LOGIN_CSRF_COOKIE)
    return resp


@staff_post
async def logout(request: Request, user: ConsoleUser) -> HTTPResponse:
    """End the session and forget the cookie."""
    with session_scope() as session:
        end_session(session, token=request.cookies.get(SESSION_COOKIE, ""))
        audit.record(session, staff_id=user.staff_id, action="logout")
    resp = redirect_to("/login")
    clear_cookie(resp, SESSION_COOKIE)
    return resp


def register(blueprint: Blueprint) -> None:
    """Add the log-in routes to the console blueprint."""
    blueprint.add_route(login_form, "/login", methods=["GET"], name="login_form")
    blueprint.add_route(login_submit, "/login", methods=["POST"], name="login_submit")
    blueprint.add_route(logout, "/logout", methods=["POST"], name="logout")
