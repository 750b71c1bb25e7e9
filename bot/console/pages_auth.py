"""Console sign-in: password, then the authenticator's one-time code (or setting one up), and log-out.

Every failure, of either step, is counted by login_throttle (per address, and per account for a
browser that has not signed in to it before); a client that must wait gets 429 with Retry-After
and its password is not even checked. No step says whether the username exists.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import audit, login_challenge, login_throttle, totp
from bot.console.auth import authenticate, create_session, end_session, tokens_match
from bot.console.guards import staff_post
from bot.console.web import (
    CHALLENGE_COOKIE,
    DEVICE_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    ConsoleUser,
    clear_cookie,
    client_address,
    current_user,
    form_value,
    redirect_to,
    render,
    set_cookie,
    set_session_cookie,
)
from bot.db import session_scope
from bot.models.base import utcnow
from bot.models.staff import Staff
from bot.off_loop import HASHING, run_blocking

LOGIN_FORM_LIFETIME = 3600
GENERIC_ERROR = "Those details didn't work. Check them and try again, or ask a supervisor."
WRONG_CODE = "That code didn't work. Check your authenticator app and enter the newest code."
START_AGAIN = "That sign-in has expired or had too many wrong codes. Please log in again."


def _with_form_token(template: str, *, status: int = 200, retry_after: int = 0, **context) -> HTTPResponse:
    """A sign-in page with a fresh form token (kept in a cookie, so it works before there is a session)."""
    form_token = secrets.token_urlsafe(32)
    resp = render(template, csrf_token=form_token, status=status, **context)
    set_cookie(resp, LOGIN_CSRF_COOKIE, form_token, max_age=LOGIN_FORM_LIFETIME)
    if retry_after:
        resp.headers["Retry-After"] = str(retry_after)
    return resp


def _login_page(error: str | None = None, status: int = 200, retry_after: int = 0) -> HTTPResponse:
    return _with_form_token("login.html", error=error, status=status, retry_after=retry_after)


def _wait_message(seconds: int) -> str:
    amount = (
        "1 second" if seconds == 1 else f"{seconds} seconds" if seconds < 120 else f"{-(-seconds // 60)} minutes"
    )
    return f"Too many attempts. Wait {amount}, then try again."


def _form_ok(request: Request) -> bool:
    return tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), form_value(request, "csrf_token"))


def _throttle(session, request: Request, username: str, now: datetime) -> dict:  # type: ignore[no-untyped-def]
    trusted = login_throttle.is_trusted_device(
        session, token=request.cookies.get(DEVICE_COOKIE, ""), username=username, now=now
    )
    return login_throttle.throttle_keys(address=client_address(request), username=username, trusted_device=trusted)


def _sign_in(session, request: Request, staff: Staff, now: datetime) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A session and a trusted-device token for a fully signed-in staff member."""
    token, _row = create_session(session, staff=staff, now=now)
    staff.last_seen_at = now
    device = login_throttle.remember_device(
        session, staff_id=staff.id, token=request.cookies.get(DEVICE_COOKIE, ""), now=now
    )
    audit.record(session, staff_id=staff.id, action="login", second_step=totp.is_enrolled(staff))
    return token, device


def _signed_in(token: str, device: str) -> HTTPResponse:
    resp = redirect_to("/")
    set_session_cookie(resp, token)
    set_cookie(resp, DEVICE_COOKIE, device, max_age=int(login_throttle.DEVICE_LIFETIME.total_seconds()))
    for name in (LOGIN_CSRF_COOKIE, CHALLENGE_COOKIE):
        clear_cookie(resp, name)
    return resp


async def login_form(request: Request) -> HTTPResponse:
    """The log-in page (signed-in staff go straight to the queue)."""
    if await current_user(request) is not None:
        return redirect_to("/")
    return _login_page()


async def login_submit(request: Request) -> HTTPResponse:
    """Check the password (unless the client must wait); then ask for the code, or set one up."""
    if not _form_ok(request):
        return _login_page("Your log-in form expired. Please try again.", status=403)
    username = form_value(request, "username").lower()
    password = (request.form or {}).get("password") or ""
    # argon2 (about 160 ms) and the database: in the hashing lane, so other staff pages keep answering
    return await run_blocking(_check_password, request, username, password, lane=HASHING)


def _check_password(request: Request, username: str, password: str) -> HTTPResponse:
    """The password step's answer (wait, refused, signed in, or on to the code); blocking (argon2, database)."""
    now = utcnow()
    with session_scope() as session:
        keys = _throttle(session, request, username, now)
        wait = login_throttle.wait_seconds(session, keys, now=now)
        if wait:
            audit.record(session, staff_id=None, action="login_throttled", target=username[:80], wait=wait)
            return _login_page(_wait_message(wait), status=429, retry_after=wait)
        staff = authenticate(session, username=username, password=password) if username and password else None
        if staff is None:  # the wait counts from the failure, not from the start of a slow check
            login_throttle.record_failure(session, keys, now=utcnow())
            audit.record(session, staff_id=None, action="login_failed", target=username[:80])
            return _login_page(GENERIC_ERROR, status=401)
        if not totp.is_enrolled(staff) and not totp.required_for(staff):
            return _signed_in(*_sign_in(session, request, staff, now))
        secret = None if totp.is_enrolled(staff) else totp.new_secret()
        pending = login_challenge.start(session, staff=staff, now=now, enrol_secret=secret)
    resp = redirect_to("/login/code")
    set_cookie(resp, CHALLENGE_COOKIE, pending, max_age=int(login_challenge.CHALLENGE_LIFETIME.total_seconds()))
    return resp


def _code_page(challenge, staff: Staff, *, error: str | None = None, status: int = 200,  # type: ignore[no-untyped-def]
               retry_after: int = 0) -> HTTPResponse:
    if challenge.enrol_secret is None:
        return _with_form_token("login_code.html", error=error, status=status, retry_after=retry_after)
    uri = totp.provisioning_uri(challenge.enrol_secret, username=staff.username)
    return _with_form_token(
        "login_enrol.html",
        error=error,
        status=status,
        retry_after=retry_after,
        otpauth_uri=uri,
        qr=totp.qr_data_uri(uri),
        secret=totp.grouped(challenge.enrol_secret),
        supervisor=staff.role == "supervisor",
    )


async def code_form(request: Request) -> HTTPResponse:
    """Ask for the one-time code; or, the first time, show the new authenticator's secret once and ask for a code."""
    return await run_blocking(_code_form, request.cookies.get(CHALLENGE_COOKIE, ""))


def _code_form(challenge_token: str) -> HTTPResponse:
    """The code page for a pending sign-in (or back to the log-in page); blocking (database)."""
    with session_scope() as session:
        found = login_challenge.resume(session, token=challenge_token, now=utcnow())
        if found is None:
            return redirect_to("/login")
        return _code_page(*found)


async def code_submit(request: Request) -> HTTPResponse:
    """Check the one-time code (a wrong one counts like a wrong password); sign in when it is right."""
    return await run_blocking(_check_code, request)


def _check_code(request: Request) -> HTTPResponse:
    """The code step's answer (wait, wrong, start again, or signed in); blocking (database)."""
    now = utcnow()
    with session_scope() as session:
        found = login_challenge.resume(session, token=request.cookies.get(CHALLENGE_COOKIE, ""), now=now)
        if found is None:
            return _login_page(START_AGAIN, status=401)
        challenge, staff = found
        if not _form_ok(request):
            return _code_page(challenge, staff, error="The form expired. Please enter the code again.", status=403)
        keys = _throttle(session, request, staff.username, now)
        wait = login_throttle.wait_seconds(session, keys, now=now)
        if wait:
            return _code_page(challenge, staff, error=_wait_message(wait), status=429, retry_after=wait)
        code = form_value(request, "code")
        enrolling = challenge.enrol_secret is not None
        if enrolling:
            right = totp.enrol(staff, challenge.enrol_secret, code, now=now)
        else:
            right = totp.check_code(staff, code, now=now)
        if not right:
            login_throttle.record_failure(session, keys, now=utcnow())
            audit.record(session, staff_id=staff.id, action="login_code_failed", enrolling=enrolling)
            if not login_challenge.count_wrong_code(session, challenge):
                return _login_page(START_AGAIN, status=401)
            return _code_page(challenge, staff, error=WRONG_CODE, status=401)
        if enrolling:
            audit.record(session, staff_id=staff.id, action="totp_enrolled")
        login_challenge.finish(session, challenge)
        token, device = _sign_in(session, request, staff, now)
    return _signed_in(token, device)


@staff_post
async def logout(request: Request, user: ConsoleUser) -> HTTPResponse:
    """End the session and forget the cookie."""
    await run_blocking(_end_session, request.cookies.get(SESSION_COOKIE, ""), user.staff_id)
    resp = redirect_to("/login")
    clear_cookie(resp, SESSION_COOKIE)
    return resp


def _end_session(token: str, staff_id: int) -> None:
    """Forget the session behind the cookie, audited; blocking (database)."""
    with session_scope() as session:
        end_session(session, token=token)
        audit.record(session, staff_id=staff_id, action="logout")


def register(blueprint: Blueprint) -> None:
    """Add the log-in routes to the console blueprint."""
    blueprint.add_route(login_form, "/login", methods=["GET"], name="login_form")
    blueprint.add_route(login_submit, "/login", methods=["POST"], name="login_submit")
    blueprint.add_route(code_form, "/login/code", methods=["GET"], name="code_form")
    blueprint.add_route(code_submit, "/login/code", methods=["POST"], name="code_submit")
    blueprint.add_route(logout, "/logout", methods=["POST"], name="logout")
