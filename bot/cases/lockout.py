"""Verification throttle: failures from anyone on a reference bring growing delays, then a growing lock.

Counted per crime reference across every sender and channel (a new web session or REST name gets no fresh
tries), and per sender across references (one sender cannot enumerate references). A reference's count
starts again after a disclosure grant or a supervisor's clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.models.security import VerificationAttempt
from bot.models.verification import DisclosureGrant, VerificationLockClear, VerificationThrottle
from bot.settings import get_settings

WINDOW = timedelta(hours=24)  # failures older than this are forgotten
MAX_DELAY = timedelta(seconds=60)  # so "please wait a minute" is always true
MAX_LOCK = timedelta(hours=24)


@dataclass(frozen=True)
class LockState:
    """Whether checks are refused now: locked, or waiting out a delay until `retry_at`."""

    locked: bool
    retry_at: datetime | None
    failures: int
    attempts_left: int

    @property
    def waiting(self) -> bool:
        return self.retry_at is not None and not self.locked


def state_from_failures(
    failures: list[datetime], *, now: datetime, max_failures: int, base_delay: timedelta, lock: timedelta
) -> LockState:
    """Failure k (k < max_failures) delays the next check by base_delay * 2**(k-1), at most a minute.

    Failure max_failures locks for `lock`; each failure after a lock ends locks again for twice as long
    (at most 24 hours).
    """
    count = len(failures)
    if count == 0:
        return LockState(locked=False, retry_at=None, failures=0, attempts_left=max_failures)
    last = max(failures)
    if count < max_failures:
        retry_at = last + min(base_delay * 2 ** (count - 1), MAX_DELAY)
        return LockState(
            locked=False, retry_at=retry_at if retry_at > now else None, failures=count,
            attempts_left=max_failures - count,
        )
    until = last + min(lock * 2 ** (count - max_failures), MAX_LOCK)
    if until > now:
        return LockState(locked=True, retry_at=until, failures=count, attempts_left=0)
    return LockState(locked=False, retry_at=None, failures=count, attempts_left=1)


def hold_reference(session: Session, *, reference: str, now: datetime) -> None:
    """Write the reference's throttle row first, so concurrent checks of one reference run one at a time.

    PostgreSQL holds the row lock, SQLite its write lock, until the caller's transaction ends; state read
    after this therefore includes every earlier check's attempt.
    """
    touch = update(VerificationThrottle).where(VerificationThrottle.reference == reference).values(touched_at=now)
    if session.execute(touch.execution_options(synchronize_session=False)).rowcount:
        return
    try:
        with session.begin_nested():
            session.add(VerificationThrottle(reference=reference, touched_at=now))
    except IntegrityError:  # another check created it first: wait for its lock
        session.execute(touch.execution_options(synchronize_session=False))


def _reset_point(session: Session, *, reference: str, now: datetime) -> datetime:
    """When the reference's count last started again: its latest grant or clear, or WINDOW ago."""
    granted = session.scalar(
        select(func.max(DisclosureGrant.granted_at)).where(
            DisclosureGrant.reference == reference, DisclosureGrant.granted_at <= now
        )
    )
    cleared = session.scalar(
        select(func.max(VerificationLockClear.cleared_at)).where(
            VerificationLockClear.reference == reference, VerificationLockClear.cleared_at <= now
        )
    )
    return max(point for point in (granted, cleared, now - WINDOW) if point is not None)


def _failures(session: Session, *conditions, since: datetime, now: datetime) -> list[datetime]:
    return list(
        session.scalars(
            select(VerificationAttempt.attempted_at).where(
                *conditions,
                VerificationAttempt.succeeded.is_(False),
                VerificationAttempt.attempted_at > since,
                VerificationAttempt.attempted_at <= now,
            )
        )
    )


def reference_state(session: Session, *, reference: str, now: datetime) -> LockState:
    """The throttle on `reference` from everyone's failures since its count last started again."""
    settings = get_settings()
    since = _reset_point(session, reference=reference, now=now)
    return state_from_failures(
        _failures(session, VerificationAttempt.reference == reference, since=since, now=now),
        now=now,
        max_failures=settings.verification_max_failures,
        base_delay=timedelta(seconds=settings.verification_delay_seconds),
        lock=timedelta(minutes=settings.verification_lock_minutes),
    )


def sender_state(session: Session, *, sender_key: str, now: datetime) -> LockState:
    """The throttle on one sender from its failures on any reference (a lock only, no delays)."""
    settings = get_settings()
    return state_from_failures(
        _failures(session, VerificationAttempt.sender_key == sender_key, since=now - WINDOW, now=now),
        now=now,
        max_failures=settings.verification_sender_max_failures,
        base_delay=timedelta(0),
        lock=timedelta(minutes=settings.verification_lock_minutes),
    )


def senders_since_reset(session: Session, *, reference: str, now: datetime) -> int:
    """How many different senders failed on `reference` since its count last started again."""
    since = _reset_point(session, reference=reference, now=now)
    return int(
        session.scalar(
            select(func.count(func.distinct(VerificationAttempt.sender_key))).where(
                VerificationAttempt.reference == reference,
                VerificationAttempt.succeeded.is_(False),
                VerificationAttempt.attempted_at > since,
                VerificationAttempt.attempted_at <= now,
            )
        )
        or 0
    )


def record_attempt(session: Session, *, reference: str, sender_key: str, succeeded: bool, now: datetime) -> None:
    """Store one checked answer or code (never the answer itself)."""
    session.add(VerificationAttempt(reference=reference, sender_key=sender_key, succeeded=succeeded, attempted_at=now))
    session.flush()


def clear_lock(session: Session, *, reference: str, staff_id: int | None, now: datetime) -> None:
    """A supervisor, having checked the victim's identity by phone, starts the reference's count again."""
    session.add(VerificationLockClear(reference=reference, staff_id=staff_id, cleared_at=now))
    session.flush()


def locked_references(session: Session, *, now: datetime) -> list[tuple[str, LockState]]:
    """References locked right now, for staff (most recently tried first)."""
    references = session.scalars(
        select(VerificationThrottle.reference)
        .where(VerificationThrottle.touched_at > now - MAX_LOCK)
        .order_by(VerificationThrottle.touched_at.desc())
    ).all()
    states = ((reference, reference_state(session, reference=reference, now=now)) for reference in references)
    return [(reference, state) for reference, state in states if state.locked]
