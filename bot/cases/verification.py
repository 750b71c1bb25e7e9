"""Two-factor verification of a victim: knowledge (PIN, or date of birth and postcode), then possession.

Possession is the message coming from the contact recorded on the case, or a one-time code sent there.
Every failure, of either factor and from anyone, counts against the reference (bot/cases/lockout.py);
a wrong answer, a wrong or expired code and an unknown reference all read the same.

Sensitive cases (bot/cases/possession.py: domestic abuse, stalking, harassment, sexual offences,
honour-based abuse, enhanced entitlement) accept only the PIN as knowledge. A right date of birth and
postcode for such a case is checked, and answered, exactly like a wrong answer, and counts as a failure.
Decision: no "this case needs your PIN" reply. It would tell whoever knows the victim's date of birth and
postcode (often the person they reported) that the case is a sensitive one, and an unknown reference, a
wrong answer and a sensitive case must read the same. Every question already offers the PIN, so the
victim who holds one can use it; one who does not is locked out after three tries and told to ask for a
person, and the usual access warning reaches their registered contact.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.cases.answers import VerificationAnswer
from bot.cases.crime_ref import find_reference
from bot.cases.grants import record_grant
from bot.cases.hashing import dob_postcode_secret, dummy_hash, secret_matches
from bot.cases.lock_alerts import announce_lock
from bot.cases.lockout import hold_reference, record_attempt, reference_state, sender_state
from bot.cases.one_time_codes import issue_code, redeem_code
from bot.cases.possession import (
    DOB_POSTCODE_KNOWLEDGE,
    ONE_TIME_CODE,
    PIN_KNOWLEDGE,
    can_receive_code,
    knowledge_accepted,
    possession_route,
)
from bot.models.base import utcnow
from bot.models.cases import Case, Victim
from bot.settings import get_settings

logger = logging.getLogger(__name__)

GRANTED, CODE_SENT, CODE_NOT_RESENT, NO_CODE_ROUTE = "granted", "code_sent", "code_not_resent", "no_code_route"
WRONG, LOCKED, WAIT = "wrong", "locked", "wait"


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one check; every failure is identical whether or not the reference exists."""

    status: str
    attempts_left: int = 0
    case_id: int | None = None
    victim_id: int | None = None

    @property
    def verified(self) -> bool:
        return self.status == GRANTED


def normalise_reference(reference: str | None) -> str:
    """The canonical reference, or the typed text cut to the column's size (an unknown one is counted too)."""
    return find_reference(reference) or (reference or "").strip().upper()[:20]


def _matching_victim(case: Case | None, answer: VerificationAnswer) -> tuple[Victim, str] | None:
    """The first victim whose secret matches, in a way the case accepts, and how.

    Every candidate is checked whether or not it is accepted, so timing tells neither which nor why.
    """
    matched: tuple[Victim, str] | None = None
    for victim in (list(case.victims) if case else []) or [None]:  # type: ignore[list-item]
        if answer.pin is not None:
            pin_ok = secret_matches(stored_hash=victim.pin_hash if victim else None, secret=answer.pin)
            if pin_ok and matched is None:
                matched = (victim, PIN_KNOWLEDGE)
        if answer.has_dob_and_postcode:
            secret = dob_postcode_secret(dob=answer.dob, postcode=answer.postcode)  # type: ignore[arg-type]
            dob_ok = secret_matches(stored_hash=victim.dob_postcode_hash if victim else None, secret=secret)
            if dob_ok and matched is None and knowledge_accepted(case, victim, DOB_POSTCODE_KNOWLEDGE):
                matched = (victim, DOB_POSTCODE_KNOWLEDGE)
    if not answer.is_complete:
        secret_matches(stored_hash=None, secret="incomplete")  # noqa: S106 - same work as a real check
    return matched


def _refused(session: Session, *, reference: str, sender_key: str, now: datetime) -> CheckOutcome | None:
    """LOCKED or WAIT when this reference or sender may not be checked now; None when it may."""
    state = reference_state(session, reference=reference, now=now)
    if state.locked or sender_state(session, sender_key=sender_key, now=now).locked:
        return CheckOutcome(LOCKED)
    return CheckOutcome(WAIT, attempts_left=state.attempts_left) if state.waiting else None


def _held_refusal(session: Session, *, reference: str, sender_key: str, now: datetime) -> CheckOutcome | None:
    """Take the reference's throttle row (held until the transaction ends), then whether checks are refused now."""
    hold_reference(session, reference=reference, now=now)
    return _refused(session, reference=reference, sender_key=sender_key, now=now)


def _failed(session: Session, *, reference: str, sender_key: str, now: datetime) -> CheckOutcome:
    record_attempt(session, reference=reference, sender_key=sender_key, succeeded=False, now=now)
    logger.info("verification failed")
    state = reference_state(session, reference=reference, now=now)
    if state.locked:
        announce_lock(session, reference=reference, state=state, now=now)
        return CheckOutcome(LOCKED)
    if sender_state(session, sender_key=sender_key, now=now).locked:
        return CheckOutcome(LOCKED)
    return CheckOutcome(WRONG, attempts_left=state.attempts_left)


def _case(session: Session, reference: str) -> Case | None:
    return session.scalar(select(Case).where(Case.reference == reference).options(selectinload(Case.victims)))


def _grant(
    session: Session, *, case: Case, victim: Victim, sender_key: str, knowledge: str, possession: str, now: datetime
) -> CheckOutcome:
    record_grant(
        session, case=case, victim=victim, sender_key=sender_key, knowledge=knowledge, possession=possession, now=now
    )
    logger.info("verification succeeded (%s, %s)", knowledge, possession)
    return CheckOutcome(GRANTED, case_id=case.id, victim_id=victim.id)


def check_knowledge(
    session: Session, *, reference: str, sender_key: str, answer: VerificationAnswer, now: datetime | None = None
) -> CheckOutcome:
    """Check a PIN or date of birth and postcode (PIN only on a sensitive case); on success grant, or send a
    one-time code when needed.

    Call it first in a transaction. The argon2 checks (about 160 ms) run before the reference's throttle
    row is taken, so no lock is held meanwhile (on SQLite the lock is the whole database's one writer: an
    escalation's hand-off row would wait behind every verification). The decision is still made with the
    row held: a reference that became locked or delayed meanwhile is refused, and the result is not used.
    """
    now = now or utcnow()
    dummy_hash()  # built on first use whatever the outcome, so the first call is not a tell
    normalised = normalise_reference(reference)
    early = _refused(session, reference=normalised, sender_key=sender_key, now=now)  # a first look, no lock
    if early is not None:  # refused: no argon2 work
        return _held_refusal(session, reference=normalised, sender_key=sender_key, now=now) or early
    case = _case(session, normalised)
    match = _matching_victim(case, answer)
    refused = _held_refusal(session, reference=normalised, sender_key=sender_key, now=now)
    if refused is not None:
        return refused
    if case is None or match is None:
        return _failed(session, reference=normalised, sender_key=sender_key, now=now)
    victim, knowledge = match
    record_attempt(session, reference=normalised, sender_key=sender_key, succeeded=True, now=now)
    route = possession_route(case, victim, sender_key, policy=get_settings().verification_second_factor)
    if route != ONE_TIME_CODE:
        return _grant(
            session, case=case, victim=victim, sender_key=sender_key, knowledge=knowledge, possession=route, now=now
        )
    if not can_receive_code(victim):
        return CheckOutcome(NO_CODE_ROUTE)
    sent = issue_code(session, case=case, victim=victim, sender_key=sender_key, knowledge=knowledge, now=now)
    return CheckOutcome(CODE_SENT if sent else CODE_NOT_RESENT, case_id=case.id)


def check_code(
    session: Session, *, reference: str, sender_key: str, code: str, now: datetime | None = None
) -> CheckOutcome:
    """Check a one-time code given after the knowledge step; a wrong, expired or foreign code is a failure.

    Call it first in a transaction, like check_knowledge.
    """
    now = now or utcnow()
    normalised = normalise_reference(reference)
    hold_reference(session, reference=normalised, now=now)
    refused = _refused(session, reference=normalised, sender_key=sender_key, now=now)
    if refused is not None:
        return refused
    case = _case(session, normalised)
    used = redeem_code(session, case_id=case.id if case else None, sender_key=sender_key, code=code, now=now)
    if case is None or used is None:
        return _failed(session, reference=normalised, sender_key=sender_key, now=now)
    victim = session.get(Victim, used.victim_id)
    if victim is None or victim not in case.victims or not knowledge_accepted(case, victim, used.knowledge):
        return _failed(session, reference=normalised, sender_key=sender_key, now=now)
    record_attempt(session, reference=normalised, sender_key=sender_key, succeeded=True, now=now)
    return _grant(
        session, case=case, victim=victim, sender_key=sender_key, knowledge=used.knowledge, possession=ONE_TIME_CODE,
        now=now,
    )


def access_refused(session: Session, *, reference: str, sender_key: str, now: datetime | None = None) -> str | None:
    """LOCKED or WAIT while this reference or sender may not be checked (says nothing about whether it exists)."""
    refused = _refused(session, reference=normalise_reference(reference), sender_key=sender_key, now=now or utcnow())
    return refused.status if refused else None
