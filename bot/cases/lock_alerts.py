"""When a reference locks: alert staff at once, and warn the victim on their registered contact in neutral words."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.cases.lockout import LockState, senders_since_reset
from bot.cases.possession import can_receive_code
from bot.console.alerts import raise_alert
from bot.models.cases import Case
from bot.models.security import StaffAlert
from bot.outbox.store import enqueue
from bot.wording import response_text

ALERT_KIND = "verification_locked"
logger = logging.getLogger(__name__)


def _open_alert_exists(session: Session, *, reference: str) -> bool:
    alerts = session.scalars(
        select(StaffAlert).where(StaffAlert.kind == ALERT_KIND, StaffAlert.acknowledged_at.is_(None))
    ).all()
    return any((alert.detail or {}).get("reference") == reference for alert in alerts)


def announce_lock(session: Session, *, reference: str, state: LockState, now: datetime) -> None:
    """Raise one open staff alert per reference, and warn each victim of the case on their registered contact.

    An unknown reference gets the alert (someone is guessing) but has nobody to warn.
    """
    if not _open_alert_exists(session, reference=reference):
        raise_alert(
            session,
            kind=ALERT_KIND,
            detail={
                "reference": reference,
                "failures": state.failures,
                "senders": senders_since_reset(session, reference=reference, now=now),
                "locked_until": state.retry_at.isoformat(timespec="minutes") if state.retry_at else "",
            },
        )
    case = session.scalar(select(Case).where(Case.reference == reference).options(selectinload(Case.victims)))
    for victim in case.victims if case else []:
        if can_receive_code(victim):
            enqueue(
                session,
                channel=victim.contact_channel,
                recipient=victim.contact_address,
                payload={"text": response_text("utter_contact_access_warning", victim.contact_channel)},
                origin="notification",
            )
    logger.warning("verification locked for a reference after %d failures", state.failures)
