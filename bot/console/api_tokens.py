"""Per-staff bearer tokens for the console API: issue, list, revoke, and resolve to who acts with what rights.

A token always acts as the staff member who owns it; nothing in a request can change that. Its role
limits it further: "staff" may do what the owner may do, "reader" only reads the queue and
conversations, "queue" only reads the queue (for dashboards and monitoring). Only a SHA-256 of the
token is stored (it is 256 random bits, so a slow hash adds nothing); it is shown once, when issued.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.auth import token_digest
from bot.models.base import utcnow
from bot.models.staff import ApiToken, Staff

TOKEN_PREFIX = "hvn_"  # noqa: S105 (a public marker, not a secret)
QUEUE_READ, CONVERSATIONS_READ, CONVERSATIONS_WRITE = "queue:read", "conversations:read", "conversations:write"
TOKEN_ROLES = {
    "staff": frozenset({QUEUE_READ, CONVERSATIONS_READ, CONVERSATIONS_WRITE}),
    "reader": frozenset({QUEUE_READ, CONVERSATIONS_READ}),
    "queue": frozenset({QUEUE_READ}),
}
ROLE_LABELS = {
    "staff": "Acts as you: read, claim, reply, note, close",
    "reader": "Read only: the queue and conversations",
    "queue": "Queue only: who is waiting, no conversations",
}
LAST_USED_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most once a minute per token


class TokenError(ValueError):
    """A token operation that can't be done."""


@dataclass(frozen=True)
class ApiCaller:
    """Who a request acts for: the token's owner, limited to the token's role."""

    token_id: int
    staff_id: int
    username: str
    role: str

    def may(self, scope: str) -> bool:
        return scope in TOKEN_ROLES.get(self.role, frozenset())


def issue(session: Session, *, owner: Staff, label: str, role: str, created_by: int | None) -> tuple[str, ApiToken]:
    """A new token for `owner`; returns the secret (shown once, never stored) and the row."""
    label = " ".join(label.split())[:80]
    if role not in TOKEN_ROLES:
        raise TokenError(f"Token role must be one of: {', '.join(TOKEN_ROLES)}.")
    if not label:
        raise TokenError("Give the token a name that says where it is used.")
    if not owner.active:
        raise TokenError("That staff account is disabled.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        token_hash=token_digest(secret),
        prefix=secret[:12],
        staff_id=owner.id,
        label=label,
        role=role,
        created_at=utcnow(),
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return secret, row


def tokens(session: Session, *, staff_id: int | None = None) -> list[ApiToken]:
    """Tokens of one staff member (or everyone's), newest first, revoked ones included."""
    query = select(ApiToken).order_by(ApiToken.id.desc())
    if staff_id is not None:
        query = query.where(ApiToken.staff_id == staff_id)
    return list(session.scalars(query))


def revoke(session: Session, *, token_id: int, owner_id: int | None = None, by: Staff | None = None) -> ApiToken:
    """Revoke a token: its owner or a supervisor in the console (`by`), or the command line (`owner_id` checked)."""
    row = session.get(ApiToken, token_id)
    if row is None or (owner_id is not None and row.staff_id != owner_id):
        raise TokenError(f"No token {token_id} for that staff member.")
    if by is not None and by.id != row.staff_id and by.role != "supervisor":
        raise TokenError("Only supervisors can revoke other people's tokens.")
    if row.revoked_at is None:
        row.revoked_at, row.revoked_by = utcnow(), by.id if by is not None else None
        session.flush()
    return row


def resolve(session: Session, *, secret: str, now: datetime | None = None) -> ApiCaller | None:
    """Who a bearer token acts for; None if it is unknown, revoked, or its owner disabled."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == token_digest(secret))).first()
    if row is None or row.revoked_at is not None:
        return None
    owner = session.get(Staff, row.staff_id)
    if owner is None or not owner.active:
        return None
    now = now or utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
        session.flush()
    return ApiCaller(token_id=row.id, staff_id=owner.id, username=owner.username, role=row.role)
