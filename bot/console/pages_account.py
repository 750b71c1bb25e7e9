"""The signed-in person's account page: two-step sign-in status and their API tokens (supervisors: everyone's)."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import select

from bot.console import api_tokens, audit, login_challenge, totp
from bot.console.guards import staff_page, staff_post
from bot.console.web import CHALLENGE_COOKIE, ConsoleUser, form_value, redirect_to, render, set_cookie
from bot.db import session_scope
from bot.models.base import utcnow
from bot.models.staff import ApiToken, Staff
from bot.off_loop import run_blocking

NOTICES = {"revoked": "Token revoked: it no longer works."}
ERRORS = {"revoke": "That token can't be revoked by you.", "issue": "Give the token a name and choose what it may do."}


def _token_row(token: ApiToken, owners: dict[int, Staff]) -> dict[str, Any]:
    owner = owners.get(token.staff_id)
    return {
        "id": token.id,
        "label": token.label,
        "prefix": token.prefix,
        "role_label": api_tokens.ROLE_LABELS.get(token.role, token.role),
        "owner": owner.display_name if owner else "?",
        "owner_username": owner.username if owner else "?",
        "created_at": token.created_at.isoformat(timespec="seconds"),
        "last_used_at": token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else None,
        "revoked": token.revoked_at is not None,
    }


def _account_page(user: ConsoleUser, *, new_token: str | None = None, notice: str | None = None,
                  error: str | None = None, status: int = 200) -> HTTPResponse:
    """The account page; blocking (database): handlers call it through run_blocking."""
    with session_scope() as session:
        me = session.get(Staff, user.staff_id)
        owners = {staff.id: staff for staff in session.scalars(select(Staff))}
        mine = [_token_row(token, owners) for token in api_tokens.tokens(session, staff_id=user.staff_id)]
        everyone = [_token_row(t, owners) for t in api_tokens.tokens(session)] if user.is_supervisor else []
        two_step = {
            "enrolled_at": me.totp_enrolled_at.isoformat(timespec="seconds") if me.totp_enrolled_at else None,
            "required": totp.required_for(me),
        }
    return render(
        "account.html",
        nav="account",
        user=user,
        two_step=two_step,
        mine=mine,
        everyone=everyone,
        roles=api_tokens.ROLE_LABELS,
        new_token=new_token,
        notice=notice,
        error=error,
        status=status,
    )


@staff_page
async def account_page(request: Request, user: ConsoleUser) -> HTTPResponse:
    """Two-step status, the person's tokens, and (for supervisors) every token."""
    return await run_blocking(
        _account_page,
        user,
        notice=NOTICES.get(request.args.get("notice", "")),
        error=ERRORS.get(request.args.get("error", "")),
    )


@staff_post
async def issue_token(request: Request, user: ConsoleUser) -> HTTPResponse:
    """Issue a token to the signed-in person; the page shows it this once."""
    return await run_blocking(_issue_token, user, form_value(request, "label"), form_value(request, "role"))


def _issue_token(user: ConsoleUser, label: str, role: str) -> HTTPResponse:
    """Issue the token (audited) and show it, or say why not; blocking (database)."""
    with session_scope() as session:
        owner = session.get(Staff, user.staff_id)
        try:
            secret, row = api_tokens.issue(session, owner=owner, label=label, role=role, created_by=user.staff_id)
        except api_tokens.TokenError as error:
            return _account_page(user, error=str(error), status=400)
        audit.record(session, staff_id=user.staff_id, action="token_issued", target=str(row.id), role=row.role,
                     owner=owner.username, via="console")
    return _account_page(user, new_token=secret)


@staff_post
async def revoke_token(request: Request, user: ConsoleUser, token_id: int) -> HTTPResponse:
    """Revoke one of your tokens; supervisors may revoke anyone's."""
    return await run_blocking(_revoke_token, user, token_id)


def _revoke_token(user: ConsoleUser, token_id: int) -> HTTPResponse:
    """Revoke (audited) and go back to the account page; blocking (database)."""
    with session_scope() as session:
        try:
            row = api_tokens.revoke(session, token_id=token_id, by=session.get(Staff, user.staff_id))
        except api_tokens.TokenError:
            return redirect_to("/account?error=revoke")
        audit.record(session, staff_id=user.staff_id, action="token_revoked", target=str(row.id), via="console")
    return redirect_to("/account?notice=revoked")


@staff_post
async def start_two_step(request: Request, user: ConsoleUser) -> HTTPResponse:
    """Set up an authenticator now (workers, where it is optional): the usual set-up page, then signed in again."""
    return await run_blocking(_start_two_step, user)


def _start_two_step(user: ConsoleUser) -> HTTPResponse:
    """A sign-in challenge that sets up an authenticator (or back to the account page); blocking (database)."""
    with session_scope() as session:
        staff = session.get(Staff, user.staff_id)
        if totp.is_enrolled(staff):
            return redirect_to("/account")
        pending = login_challenge.start(session, staff=staff, now=utcnow(), enrol_secret=totp.new_secret())
    resp = redirect_to("/login/code")
    set_cookie(resp, CHALLENGE_COOKIE, pending, max_age=int(login_challenge.CHALLENGE_LIFETIME.total_seconds()))
    return resp


def register(blueprint: Blueprint) -> None:
    """Add the account routes to the console blueprint."""
    blueprint.add_route(account_page, "/account", methods=["GET"], name="account_page")
    blueprint.add_route(issue_token, "/account/tokens", methods=["POST"], name="issue_token")
    blueprint.add_route(revoke_token, "/account/tokens/<token_id:int>/revoke", methods=["POST"], name="revoke_token")
    blueprint.add_route(start_two_step, "/account/two-step", methods=["POST"], name="start_two_step")
