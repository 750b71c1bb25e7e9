"""Growing delays after failed staff sign-ins, per client address and per account (OWASP ASVS 2.2.1).

No account is ever locked. Each failure (wrong password or wrong one-time code) counts against the
client's address and against the account typed; past a few free tries, the next try from that address,
or on that account, must wait 1, 2, 4, 8... seconds, up to a cap, and the count is forgotten after an
hour without failures. A browser that signed in to the account before holds a trusted-device cookie
(OWASP's "device cookies"): the account's delay does not apply to it, so someone guessing from
elsewhere cannot keep the real user out; only its own address's failures slow it.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.console.auth import token_digest
from bot.models.staff import LoginThrottle, Staff, TrustedDevice


@dataclass(frozen=True)
class Rule:
    """How many failures are free, and the longest wait after more."""

    free: int
    cap: timedelta


ADDRESS_RULE = Rule(free=10, cap=timedelta(minutes=15))
ACCOUNT_RULE = Rule(free=5, cap=timedelta(minutes=5))
FORGET_AFTER = timedelta(hours=1)
DEVICE_LIFETIME = timedelta(days=90)


def delay_after(failures: int, rule: Rule) -> timedelta:
    """The wait after `failures` recent failures: none while free, then doubling from one second to the cap."""
    if failures < rule.free:
        return timedelta(0)
    exponent = min(failures - rule.free, 30)
    return min(rule.cap, timedelta(seconds=2**exponent))


def throttle_keys(*, address: str, username: str, trusted_device: bool) -> dict[str, Rule]:
    """The counters a sign-in attempt is judged by (the account's only for an untrusted browser)."""
    keys = {f"address:{address or 'unknown'}"[:200]: ADDRESS_RULE}
    if not trusted_device:
        keys[f"account:{username.strip().lower()}"[:200]] = ACCOUNT_RULE
    return keys


def wait_seconds(session: Session, keys: dict[str, Rule], *, now: datetime) -> int:
    """Whole seconds the client must wait before its next try; 0 means go ahead."""
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(list(keys)))).all()
    waits = [(row.wait_until - now).total_seconds() for row in rows if row.wait_until > now]
    return math.ceil(max(waits, default=0))


def record_failure(session: Session, keys: dict[str, Rule], *, now: datetime) -> int:
    """Count one failure against each key; returns the wait now imposed (seconds). Forgotten counts are purged."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - FORGET_AFTER))
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for key, rule in keys.items():
        # concurrent failures on one key: create the row once (no duplicate-key error), then count under a row lock
        session.execute(
            insert(LoginThrottle.__table__)
            .values(key=key, failures=0, last_failure_at=now, wait_until=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        row = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        row.failures += 1
        row.last_failure_at = now
        row.wait_until = now + delay_after(row.failures, rule)
    session.flush()
    return wait_seconds(session, keys, now=now)


def is_trusted_device(session: Session, *, token: str, username: str, now: datetime) -> bool:
    """True when `token` (the device cookie) belongs to a browser that signed in to this account lately."""
    if not token:
        return False
    device = session.scalars(select(TrustedDevice).where(TrustedDevice.token_hash == token_digest(token))).first()
    if device is None or now - device.last_used_at > DEVICE_LIFETIME:
        return False
    staff = session.get(Staff, device.staff_id)
    return staff is not None and staff.username == username.strip().lower()


def remember_device(session: Session, *, staff_id: int, token: str, now: datetime) -> str:
    """After a full sign-in: refresh this browser's device token, or issue one; returns the cookie value."""
    if token:
        device = session.scalars(
            select(TrustedDevice).where(TrustedDevice.token_hash == token_digest(token))
        ).first()
        if device is not None and device.staff_id == staff_id:
            device.last_used_at = now
            session.flush()
            return token
    token = secrets.token_urlsafe(32)
    session.add(TrustedDevice(token_hash=token_digest(token), staff_id=staff_id, created_at=now, last_used_at=now))
    session.flush()
    return token
