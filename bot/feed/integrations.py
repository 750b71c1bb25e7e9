"""Integrations allowed to send case events: add one (its bearer token shown once), list, revoke, and resolve a token.

A bearer token rather than an HMAC signature: only a SHA-256 of the token is kept (it is 256 random bits,
so a slow hash adds nothing), as for the console's API tokens; an HMAC secret would have to be kept in a
form we can read back to check signatures. TLS in front of Haven protects the body in transit.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.auth import token_digest
from bot.feed.models import CLI_SOURCE, CSV_SOURCE, FeedIntegration
from bot.models.base import utcnow

TOKEN_PREFIX = "hvf_"  # noqa: S105 (a public marker, not a secret)
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{1,31}$")
RESERVED_NAMES = frozenset({CLI_SOURCE, CSV_SOURCE})
LAST_USED_RESOLUTION = timedelta(minutes=1)


class IntegrationError(ValueError):
    """An integration operation that can't be done."""


def add_integration(session: Session, name: str) -> tuple[str, FeedIntegration]:
    """A new integration; returns its token (shown once, never stored) and the row."""
    name = name.strip().lower()
    if not NAME_PATTERN.match(name) or name in RESERVED_NAMES:
        raise IntegrationError("An integration name is 2-32 of a-z, 0-9, - and _, and not 'cli' or 'csv'.")
    if find_integration(session, name) is not None:
        raise IntegrationError(f"There is already an integration called {name}.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = FeedIntegration(name=name, token_hash=token_digest(token), prefix=token[:12], created_at=utcnow())
    session.add(row)
    session.flush()
    return token, row


def find_integration(session: Session, name: str) -> FeedIntegration | None:
    return session.scalar(select(FeedIntegration).where(FeedIntegration.name == name.strip().lower()))


def integrations(session: Session) -> list[FeedIntegration]:
    return list(session.scalars(select(FeedIntegration).order_by(FeedIntegration.name)))


def revoke_integration(session: Session, name: str) -> FeedIntegration:
    """Refuse the integration's token from now on (its stored events stay)."""
    row = find_integration(session, name)
    if row is None:
        raise IntegrationError(f"No integration called {name}.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row


def integration_for_token(session: Session, token: str, now: datetime | None = None) -> str | None:
    """The name of the integration whose token this is; None if unknown or revoked.

    The token is found by its SHA-256 in a unique index: no stored secret is compared byte by byte.
    """
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(FeedIntegration).where(FeedIntegration.token_hash == token_digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    now = now or utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
        session.flush()
    return row.name
