"""An agency's referrals, showing only what the victim agreed to share, and its accept or decline decisions.

At consent the victim is told their first name and how to contact them on this channel go to the agency
(bot/directory/render.py consent_question), so that is all an agency sees, with the need and area the
referral is for. No case, risk, transcript or other contact detail. Every view and decision is audited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.agencies.models import ReferralDecision
from bot.cases.identities import SenderAddress
from bot.clocks.duties import REFERRAL, working_days_for
from bot.clocks.working_days import add_working_days, local_date
from bot.console import audit
from bot.contact.retry_times import hold_until_permitted
from bot.directory.needs import need_label
from bot.handoff.contact_later import may_message_later
from bot.models.base import utcnow
from bot.models.cases import Victim
from bot.models.directory import Referral
from bot.outbox.store import enqueue
from bot.settings import get_settings
from bot.wording import response_text

logger = logging.getLogger(__name__)
DECISIONS = ("accepted", "declined")
ACCEPTED_MESSAGE = "utter_referral_accepted"
MAX_NOTE_CHARS = 1000


class ReferralDecisionError(ValueError):
    """The decision can't be recorded; the message is safe to show to the agency."""


@dataclass(frozen=True)
class ReferralCard:
    """One referral as its agency sees it: only the consented data."""

    id: int
    first_name: str | None
    channel: str
    contact: str
    need: str
    area: str | None
    contact_preference: str | None
    consent_given_at: str
    decision: str | None
    note: str | None
    respond_by: date | None = None  # the Victims' Code referral clock's last day, while undecided
    overdue: bool = False  # undecided after that day

    @property
    def respond_by_text(self) -> str:
        """ "Tuesday 29 December" (empty once answered)."""
        return f"{self.respond_by:%A} {self.respond_by.day} {self.respond_by:%B}" if self.respond_by else ""


def respond_by(created_at: datetime, *, zone: str) -> date:
    """The last day to answer a referral: the referral clock's 2 working days (bot/clocks), from its local date."""
    return add_working_days(local_date(created_at, zone), working_days_for(REFERRAL, enhanced=False))


def _card(
    referral: Referral, first_name: str | None, decision: ReferralDecision | None, *, today: date, zone: str
) -> ReferralCard:
    channel, contact = SenderAddress.parse(referral.sender_id)
    due = None if decision else respond_by(referral.created_at, zone=zone)
    return ReferralCard(
        id=referral.id, first_name=first_name, channel=channel or referral.channel, contact=contact,
        need=need_label(referral.need), area=referral.area, contact_preference=referral.contact_preference,
        consent_given_at=referral.consent_given_at.isoformat(),
        decision=decision.decision if decision else None, note=decision.note if decision else None,
        respond_by=due, overdue=due is not None and today > due,
    )


def referrals_for(
    session: Session, *, agency_id: int, staff_id: int, now: datetime | None = None
) -> list[ReferralCard]:
    """The agency's referrals, undecided first then newest, each undecided one with the day to answer by (and
    whether that day has passed, in local time); the view is audited."""
    rows = session.execute(
        select(Referral, Victim.first_name, ReferralDecision)
        .outerjoin(Victim, Victim.id == Referral.victim_id)
        .outerjoin(ReferralDecision, ReferralDecision.referral_id == Referral.id)
        .where(Referral.agency_id == agency_id)
        .order_by(ReferralDecision.id.is_not(None), Referral.created_at.desc(), Referral.id.desc())
    ).all()
    audit.record(session, staff_id=staff_id, action="referrals_viewed", target=f"agency:{agency_id}",
                 referrals=[row[0].id for row in rows])
    zone = get_settings().timezone
    today = local_date(now or utcnow(), zone)
    return [_card(referral, first_name, decision, today=today, zone=zone) for referral, first_name, decision in rows]


def decide(session: Session, *, agency_id: int, staff_id: int, referral_id: int, decision: str, note: str) -> bool:
    """Record the agency's decision (once); on accept, tell the victim in neutral words. True if they were told."""
    referral = session.get(Referral, referral_id)
    if referral is None or referral.agency_id != agency_id:
        raise ReferralDecisionError("There is no such referral for your service.")
    if decision not in DECISIONS:
        raise ReferralDecisionError("Choose Accept or Decline.")
    if session.scalars(select(ReferralDecision).where(ReferralDecision.referral_id == referral_id)).first():
        raise ReferralDecisionError("This referral has already been answered.")
    note = " ".join(note.split())[:MAX_NOTE_CHARS] or None
    session.add(ReferralDecision(referral_id=referral_id, decision=decision, note=note, decided_by=staff_id,
                                 decided_at=utcnow()))
    referral.status = decision
    session.flush()
    told = decision == "accepted" and _tell_victim(session, referral)
    audit.record(session, staff_id=staff_id, action=f"referral_{decision}", target=str(referral_id),
                 agency_id=agency_id, with_note=note is not None, victim_told=told)
    logger.info("referral %s %s by agency %s", referral_id, decision, agency_id)
    return told


def _tell_victim(session: Session, referral: Referral) -> bool:
    """Queue the neutral "the service has replied" message unless they said it is not safe to message them.

    The outbox stores it as "suppressed" when the address opted out (origin "notification"). Like a nudge, it
    waits for a time the person allows (quiet hours, their window, weekends); its retries do too.
    """
    if not may_message_later(session, sender_id=referral.sender_id):
        return False
    channel, address = SenderAddress.parse(referral.sender_id)
    row = enqueue(
        session, channel=channel or referral.channel, recipient=address,
        payload={"text": response_text(ACCEPTED_MESSAGE, channel or referral.channel)},
        origin="notification", idempotency_key=f"referral-accepted:{referral.id}",
    )
    hold_until_permitted(session, row)
    return row.status != "suppressed"
