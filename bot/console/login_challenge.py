"""The step between a right password and a session: a pending sign-in waiting for its one-time code."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.console.auth import token_digest
from bot.models.staff import LoginChallenge, Staff

CHALLENGE_LIFETIME = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5


def start(session: Session, *, staff: Staff, now: datetime, enrol_secret: str | None = None) -> str:
    """A new pending sign-in for `staff` (replacing theirs, purging expired ones); returns the cookie token."""
    session.execute(
        delete(LoginChallenge).where((LoginChallenge.staff_id == staff.id) | (LoginChallenge.expires_at <= now))
    )
    token = secrets.token_urlsafe(32)
    session.add(
        LoginChallenge(
            token_hash=token_digest(token),
            staff_id=staff.id,
            enrol_secret=enrol_secret,
            attempts=0,
            created_at=now,
            expires_at=now + CHALLENGE_LIFETIME,
        )
    )
    session.flush()
    return token


def resume(session: Session, *, token: str, now: datetime) -> tuple[LoginChallenge, Staff] | None:
    """The live pending sign-in behind a cookie token, with its (active) staff member."""
    if not token:
        return None
    challenge = session.scalars(select(LoginChallenge).where(LoginChallenge.token_hash == token_digest(token))).first()
    if challenge is None or challenge.expires_at <= now or challenge.attempts >= MAX_CODE_ATTEMPTS:
        return None
    staff = session.get(Staff, challenge.staff_id)
    if staff is None or not staff.active:
        return None
    return challenge, staff


def count_wrong_code(session: Session, challenge: LoginChallenge) -> bool:
    """Count a wrong code; False once the pending sign-in has used up its tries (the password is needed again)."""
    challenge.attempts += 1
    if challenge.attempts >= MAX_CODE_ATTEMPTS:
        session.delete(challenge)
        session.flush()
        return False
    session.flush()
    return True


def finish(session: Session, challenge: LoginChallenge) -> None:
    """The pending sign-in is over (signed in, or abandoned)."""
    session.delete(challenge)
    session.flush()
