"""Verification attempt history: per-sender lock-outs and staff alerts for many senders failing one reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models.security import StaffAlert, VerificationAttempt
from bot.settings import get_settings

ALERT_KIND = "verification_failures"
ALERT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class LockState:
    """Whether a sender is locked out of a reference, until when, and how many tries are left."""

    locked: bool
    locked_until: datetime | None
    attempts_left: int


def lock_state(session: Session, *, reference: str, sender_key: str, now: datetime) -> LockState:
    """Replay this sender's recent failures on `reference` (since their last success) to find any lock.

    `max_failures` failures within `lock_minutes` lock the reference for `lock_minutes` from the last
    of them; after a lock expires the count starts again.
    """
    settings = get_settings()
    window = timedelta(minutes=settings.verification_lock_minutes)
    history = session.execute(
        select(VerificationAttempt.attempted_at, VerificationAttempt.succeeded)
        .where(
            VerificationAttempt.reference == reference,
            VerificationAttempt.sender_key == sender_key,
            VerificationAttempt.attempted_at > now - ALERT_WINDOW,
            VerificationAttempt.attempted_at <= now,
        )
        .order_by(VerificationAttempt.attempted_at, VerificationAttempt.id)
    ).all()
    run: list[datetime] = []
    locked_until: datetime | None = None
    for attempted_at, succeeded in history:
        if succeeded:
            run, locked_until = [], None
            continue
        run = [earlier for earlier in run if earlier >= attempted_at - window] + [attempted_at]
        if len(run) >= settings.verification_max_failures:
            locked_until, run = attempted_at + window, []
    if locked_until is not None and locked_until > now:
        return LockState(locked=True, locked_until=locked_until, attempts_left=0)
    recent = [failed_at for failed_at in run if failed_at > now - window]
    return LockState(
        locked=False, locked_until=None, attempts_left=max(0, settings.verification_max_failures - len(recent))
    )


def record_attempt(session: Session, *, reference: str, sender_key: str, succeeded: bool, now: datetime) -> None:
    """Store one checked answer (never the answer itself)."""
    session.add(VerificationAttempt(reference=reference, sender_key=sender_key, succeeded=succeeded, attempted_at=now))
    session.flush()


def _open_alert_exists(session: Session, *, reference: str) -> bool:
    alerts = session.scalars(
        select(StaffAlert).where(StaffAlert.kind == ALERT_KIND, StaffAlert.acknowledged_at.is_(None))
    ).all()
    return any((alert.detail or {}).get("reference") == reference for alert in alerts)


def alert_if_many_senders(session: Session, *, reference: str, now: datetime) -> StaffAlert | None:
    """Raise one staff alert when failures on `reference` come from many senders within 24 hours."""
    senders = session.scalar(
        select(func.count(func.distinct(VerificationAttempt.sender_key))).where(
            VerificationAttempt.reference == reference,
            VerificationAttempt.succeeded.is_(False),
            VerificationAttempt.attempted_at > now - ALERT_WINDOW,
            VerificationAttempt.attempted_at <= now,
        )
    )
    if int(senders or 0) < get_settings().verification_alert_senders:
        return None
    if _open_alert_exists(session, reference=reference):
        return None
    alert = StaffAlert(kind=ALERT_KIND, detail={"reference": reference, "senders": int(senders)}, created_at=now)
    session.add(alert)
    session.flush()
    return alert
