"""Shared plumbing for console handlers: templates, the session cookie, the signed-in user, CSRF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.auth import SESSION_LIFETIME, resume_session, tokens_match
from bot.db import session_scope
from bot.off_loop import run_blocking
from bot.settings import get_settings

CONSOLE_ROOT = Path(__file__).resolve().parent
PREFIX = "/console"
SESSION_COOKIE = "haven_console"
LOGIN_CSRF_COOKIE = "haven_console_login"
CHALLENGE_COOKIE = "haven_console_pending"  # a sign-in waiting for its one-time code
DEVICE_COOKIE = "haven_console_device"  # a browser that signed in before (login_throttle.py)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class ConsoleUser:
    """The signed-in staff member, detached from any database session."""

    staff_id: int
    username: str
    display_name: str
    role: str
    csrf_token: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


def local_time(value: str | None) -> str:
    """Template filter: an ISO time (naive means UTC) as '24 Nov 2026, 20:56' in the gateway's time zone."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(get_settings().timezone)).strftime("%-d %b %Y, %H:%M")


@lru_cache(maxsize=1)
def templates() -> Environment:
    """The console's Jinja2 environment (autoescaping on)."""
    environment = Environment(
        loader=FileSystemLoader(CONSOLE_ROOT / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["local_time"] = local_time
    return environment


def render(name: str, *, status: int = 200, **context: Any) -> HTTPResponse:
    """A rendered template as an HTML response."""
    html = templates().get_template(name).render(prefix=PREFIX, **context)
    return response.html(html, status=status)


def redirect_to(path: str) -> HTTPResponse:
    """A 303 redirect to a console path (POST-redirect-GET)."""
    return response.redirect(f"{PREFIX}{path}", status=303)


def set_cookie(resp: HTTPResponse, name: str, value: str, *, max_age: int) -> None:
    """Set a console cookie: HttpOnly, SameSite=Strict, Secure behind HTTPS, scoped to /console."""
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = PREFIX
    cookie["max-age"] = max_age
    if get_settings().public_base_url.startswith("https://"):
        cookie["secure"] = True


def set_session_cookie(resp: HTTPResponse, token: str) -> None:
    set_cookie(resp, SESSION_COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()))


def client_address(request: Request) -> str:
    """The client's address: the proxy's forwarded one when Sanic is told to trust it (SANIC_PROXIES_COUNT or
    SANIC_REAL_IP_HEADER), otherwise the socket's peer."""
    return request.remote_addr or request.ip or ""


def clear_cookie(resp: HTTPResponse, name: str) -> None:
    set_cookie(resp, name, "", max_age=0)


async def current_user(request: Request) -> ConsoleUser | None:
    """The staff member whose session cookie came with the request, if it is live (looked up off the loop)."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    return await run_blocking(_user_for, token)


def _user_for(token: str) -> ConsoleUser | None:
    """The live session's staff member for a cookie token; blocking (database)."""
    with session_scope() as session:
        found = resume_session(session, token=token)
        if found is None:
            return None
        row, staff = found
        return ConsoleUser(staff.id, staff.username, staff.display_name, staff.role, row.csrf_token)


def submitted_csrf(request: Request) -> str:
    """The CSRF token sent with a POST (form field or X-CSRF-Token header)."""
    header = request.headers.get("X-CSRF-Token", "")
    if header:
        return header
    form = request.form or {}
    return form.get("csrf_token", "") if form else ""


def csrf_valid(request: Request, user: ConsoleUser) -> bool:
    """True when the POST carries this session's CSRF token."""
    return tokens_match(user.csrf_token, submitted_csrf(request))


def form_value(request: Request, name: str) -> str:
    """A trimmed form field ('' when absent)."""
    form = request.form or {}
    return (form.get(name) or "").strip()


def add_security_headers(_request: Request, resp: HTTPResponse) -> None:
    """Response middleware: strict CSP, no framing, no caching of staff pages."""
    for header, value in SECURITY_HEADERS.items():
        resp.headers.setdefault(header, value)
