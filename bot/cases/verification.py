"""Check a victim's answers against a case's hashed secrets, with lock-out and no disclosure on failure."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.cases.answers import VerificationAnswer, parse_verification_answer
from bot.cases.crime_ref import find_reference
from bot.cases.hashing import dob_postcode_secret, dummy_hash, secret_matches
from bot.cases.lockout import alert_if_many_senders, lock_state, record_attempt
from bot.models.base import utcnow
from bot.models.cases import Case, Victim
from bot.models.security import VerificationAttempt

__all__ = [
    "VerificationAnswer", "VerificationOutcome", "is_locked", "parse_verification_answer", "recently_verified",
    "verify",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerificationOutcome:
    """The result of one check; on failure it is identical whether or not the reference exists."""

    verified: bool
    locked: bool
    case_id: int | None
    victim_id: int | None
    attempts_left: int


def _matching_victim(victims: list[Victim], answer: VerificationAnswer) -> int | None:
    """The first victim whose secret matches; every candidate is checked so timing does not depend on which."""
    matched: int | None = None
    for victim in victims or [None]:  # type: ignore[list-item]
        if answer.pin is not None:
            pin_ok = secret_matches(stored_hash=victim.pin_hash if victim else None, secret=answer.pin)
            if pin_ok and matched is None and victim is not None:
                matched = victim.id
        if answer.has_dob_and_postcode:
            secret = dob_postcode_secret(dob=answer.dob, postcode=answer.postcode)  # type: ignore[arg-type]
            dob_ok = secret_matches(stored_hash=victim.dob_postcode_hash if victim else None, secret=secret)
            if dob_ok and matched is None and victim is not None:
                matched = victim.id
    if not answer.is_complete:
        secret_matches(stored_hash=None, secret="incomplete")  # noqa: S106 - same work as a real check
    return matched


def verify(
    session: Session,
    *,
    reference: str,
    sender_key: str,
    answer: VerificationAnswer,
    now: datetime | None = None,
) -> VerificationOutcome:
    """Check `answer` for `reference` from `sender_key`; records the attempt and applies the lock-out.

    Locked senders are not checked at all. An unknown reference is checked against a dummy hash
    and counts as a failure exactly like a wrong answer.
    """
    now = now or utcnow()
    dummy_hash()  # built on first use whatever the outcome, so the first call is not a tell
    normalised = find_reference(reference) or (reference or "").strip().upper()[:20]
    state = lock_state(session, reference=normalised, sender_key=sender_key, now=now)
    if state.locked:
        return VerificationOutcome(verified=False, locked=True, case_id=None, victim_id=None, attempts_left=0)
    case = session.scalar(
        select(Case).where(Case.reference == normalised).options(selectinload(Case.victims))
    )
    victim_id = _matching_victim(list(case.victims) if case else [], answer)
    succeeded = victim_id is not None
    record_attempt(session, reference=normalised, sender_key=sender_key, succeeded=succeeded, now=now)
    if succeeded:
        logger.info("verification succeeded")
        return VerificationOutcome(
            verified=True, locked=False, case_id=case.id, victim_id=victim_id, attempts_left=state.attempts_left
        )
    logger.info("verification failed")
    alert_if_many_senders(session, reference=normalised, now=now)
    after = lock_state(session, reference=normalised, sender_key=sender_key, now=now)
    return VerificationOutcome(
        verified=False, locked=after.locked, case_id=None, victim_id=None, attempts_left=after.attempts_left
    )


def is_locked(session: Session, *, reference: str, sender_key: str, now: datetime | None = None) -> bool:
    """True while this sender is locked out of `reference` (says nothing about whether it exists)."""
    normalised = find_reference(reference) or (reference or "").strip().upper()[:20]
    return lock_state(session, reference=normalised, sender_key=sender_key, now=now or utcnow()).locked


def recently_verified(
    session: Session, *, reference: str, sender_key: str, within: timedelta, now: datetime | None = None
) -> bool:
    """True when this sender passed verification for `reference` within `within` (guards forged trackers)."""
    now = now or utcnow()
    found = session.scalar(
        select(VerificationAttempt.id).where(
            VerificationAttempt.reference == reference,
            VerificationAttempt.sender_key == sender_key,
            VerificationAttempt.succeeded.is_(True),
            VerificationAttempt.attempted_at > now - within,
            VerificationAttempt.attempted_at <= now,
        ).limit(1)
    )
    return found is not None
