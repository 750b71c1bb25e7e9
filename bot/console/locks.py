"""Locked crime references as staff see them, and a supervisor's audited clear (shared by the page and the API)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.lock_alerts import settle_lock_alerts
from bot.cases.lockout import clear_lock, locked_references, reference_state, senders_since_reset
from bot.cases.verification import normalise_reference
from bot.console import audit
from bot.models.staff import Staff
from bot.models.verification import VerificationLockClear

CLEARED_ACTION = "clear_verification_lock"
RECENT_CLEARS = timedelta(hours=24)
NOTE_LIMIT = 200


class ClearRefused(ValueError):
    """A clear that was not done; the message says why, in words for staff."""


class NotSupervisor(ClearRefused):
    """Only supervisors may clear a lock."""


class NotLocked(ClearRefused):
    """The reference is not locked now (it ran out, or someone cleared it already)."""


def refusal_status(refusal: ClearRefused) -> int:
    """The HTTP status for a refused clear: 403 not a supervisor, 409 not locked, 400 confirmation missing."""
    return 403 if isinstance(refusal, NotSupervisor) else 409 if isinstance(refusal, NotLocked) else 400


def locked_now(session: Session, *, now: datetime) -> list[dict[str, Any]]:
    """References locked now (most recently tried first): when the lock ends, failed tries, different senders.

    Counts only: never answers, sender addresses or case details.
    """
    return [
        {
            "reference": reference,
            "locked_until": state.retry_at.isoformat(timespec="seconds") if state.retry_at else "",
            "failures": state.failures,
            "senders": senders_since_reset(session, reference=reference, now=now),
        }
        for reference, state in locked_references(session, now=now)
    ]


def recent_clears(session: Session, *, now: datetime) -> list[dict[str, Any]]:
    """Locks cleared in the last day, newest first, with the supervisor who cleared each."""
    rows = session.execute(
        select(VerificationLockClear.reference, VerificationLockClear.cleared_at, Staff.display_name)
        .outerjoin(Staff, Staff.id == VerificationLockClear.staff_id)
        .where(VerificationLockClear.cleared_at > now - RECENT_CLEARS)
        .order_by(VerificationLockClear.cleared_at.desc(), VerificationLockClear.id.desc())
    ).all()
    return [
        {"reference": reference, "cleared_at": cleared_at.isoformat(timespec="seconds"), "cleared_by": name or "?"}
        for reference, cleared_at, name in rows
    ]


def clear(
    session: Session, *, reference: str, staff_id: int, identity_checked: bool, note: str, via: str, now: datetime
) -> str:
    """Clear a lock after a supervisor checked the victim's identity by phone; audited. Returns the reference.

    Refused (ClearRefused, nothing written) unless the staff member is a supervisor, the identity check is
    confirmed, a note says how, and the reference is locked now.
    """
    staff = session.get(Staff, staff_id)
    if staff is None or staff.role != "supervisor":
        raise NotSupervisor("Only supervisors can clear a lock.")
    if not identity_checked:
        raise ClearRefused("Confirm that you checked the victim's identity by phone before clearing the lock.")
    note = " ".join(note.split())[:NOTE_LIMIT]
    if not note:
        raise ClearRefused("Add a short note saying how you checked the victim's identity.")
    reference = normalise_reference(reference)
    if not reference_state(session, reference=reference, now=now).locked:
        raise NotLocked(f"{reference} is not locked now.")
    clear_lock(session, reference=reference, staff_id=staff_id, now=now)
    settle_lock_alerts(session, reference=reference, staff_id=staff_id)
    audit.record(
        session, staff_id=staff_id, action=CLEARED_ACTION, target=reference, identity_checked_by_phone=True,
        note=note, via=via,
    )
    return reference
