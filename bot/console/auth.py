"""Staff passwords (argon2), password checks, server-side sessions and CSRF tokens.

Failed sign-ins are slowed by bot/console/login_throttle.py (growing delays, no account lock).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.cases.hashing import password_hasher
from bot.models.base import utcnow
from bot.models.staff import Staff, StaffSession

SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 12


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the username is unknown, so timing doesn't reveal it."""
    return password_hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An argon2 hash of `password` (refuses short ones)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"Passwords must be at least {MIN_PASSWORD_LENGTH} characters.")
    return password_hasher().hash(password)


def _password_matches(stored_hash: str, password: str) -> bool:
    try:
        return password_hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(session: Session, *, username: str, password: str) -> Staff | None:
    """The staff member if the password is right and the account active (the same work when it isn't)."""
    staff = session.scalars(select(Staff).where(Staff.username == username.strip().lower())).first()
    if staff is None:
        _password_matches(_dummy_hash(), password)
        return None
    if not _password_matches(staff.password_hash, password) or not staff.active:
        return None
    if password_hasher().check_needs_rehash(staff.password_hash):
        staff.password_hash = password_hasher().hash(password)
    session.flush()
    return staff


def token_digest(token: str) -> str:
    """The SHA-256 of a session token, as stored in the database."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(session: Session, *, staff: Staff, now: datetime | None = None) -> tuple[str, StaffSession]:
    """A new login session; returns the cookie token (never stored) and the row."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=token_digest(token),
        staff_id=staff.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    session.add(row)
    session.flush()
    return token, row


def resume_session(session: Session, *, token: str, now: datetime | None = None) -> tuple[StaffSession, Staff] | None:
    """The live session and its (active) staff member for a cookie token, marking the staff member as seen."""
    if not token:
        return None
    now = now or utcnow()
    row = session.scalars(select(StaffSession).where(StaffSession.token_hash == token_digest(token))).first()
    if row is None or row.expires_at <= now:
        return None
    staff = session.get(Staff, row.staff_id)
    if staff is None or not staff.active:
        return None
    staff.last_seen_at = now
    session.flush()
    return row, staff


def end_session(session: Session, *, token: str) -> None:
    """Log out: forget the session behind the token."""
    session.execute(delete(StaffSession).where(StaffSession.token_hash == token_digest(token)))


def end_all_sessions(session: Session, *, staff_id: int) -> None:
    """Forget every session of one staff member (used when an account is disabled)."""
    session.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of two secrets; missing values never match."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
