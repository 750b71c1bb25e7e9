"""Find new shareable case updates to announce, with a neutral text that reveals nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff.contact_later import may_message_later
from bot.models.base import utcnow
from bot.models.cases import Case, CaseUpdate, ContactIdentity, Victim, victim_cases
from bot.settings import get_settings
from bot.wording import response_text

NUDGE_RESPONSE = "utter_update_nudge"  # domain.yml, block "support and nudge wording"


@dataclass(frozen=True)
class PendingNotification:
    """One neutral nudge to send: which update, to which verified channel address."""

    update_id: int
    case_id: int
    victim_id: int
    channel: str
    address: str


def notification_text(channel: str | None) -> str:
    """The nudge for `channel` (the domain's utter_update_nudge): no case, crime or "victim" words, because
    someone else may read the phone. It names the sender only as HAVEN_SENDER_NAME says (default "Haven")."""
    return response_text(NUDGE_RESPONSE, channel, slots={"sender": get_settings().sender_name})


def pending_case_notifications(session: Session) -> list[PendingNotification]:
    """Shareable, un-notified updates for victims with consent and a verified, not-opted-out identity.

    An identity whose owner said it is not safe to message them later (bot/handoff/contact_later.py)
    is left out: the update waits until they message again or say it is safe.
    """
    rows = session.execute(
        select(CaseUpdate.id, CaseUpdate.case_id, Victim.id, ContactIdentity.channel, ContactIdentity.address)
        .join(Case, Case.id == CaseUpdate.case_id)
        .join(victim_cases, victim_cases.c.case_id == Case.id)
        .join(Victim, Victim.id == victim_cases.c.victim_id)
        .join(ContactIdentity, ContactIdentity.victim_id == Victim.id)
        .where(
            CaseUpdate.shareable.is_(True),
            CaseUpdate.notified_at.is_(None),
            Victim.consent_updates.is_(True),
            ContactIdentity.verified_at.is_not(None),
            ContactIdentity.opted_out.is_(False),
        )
        .order_by(CaseUpdate.occurred_at, CaseUpdate.id, ContactIdentity.id)
    ).all()
    return [
        PendingNotification(update_id=u, case_id=c, victim_id=v, channel=ch, address=a)
        for u, c, v, ch, a in rows
        if may_message_later(session, sender_id=f"{ch}:{a}")
    ]


def mark_notified(session: Session, *, update_id: int, now: datetime | None = None) -> None:
    """Record that the nudge for this update has been queued."""
    update = session.get(CaseUpdate, update_id)
    if update is not None and update.notified_at is None:
        update.notified_at = now or utcnow()
        session.flush()
