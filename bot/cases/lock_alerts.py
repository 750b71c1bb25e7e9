"""When a reference locks: alert staff at once, and warn the victim on their registered contact in neutral words."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.cases.lockout import LockState, senders_since_reset
from bot.cases.possession import can_receive_code
from bot.console.alerts import acknowledge, raise_alert
from bot.contact.retry_times import hold_until_permitted
from bot.models.cases import Case
from bot.models.security import StaffAlert
from bot.outbox.store import enqueue
from bot.wording import response_text

ALERT_KIND = "verification_locked"
logger = logging.getLogger(__name__)


def _open_alerts(session: Session, *, reference: str) -> list[StaffAlert]:
    alerts = session.scalars(
        select(StaffAlert).where(StaffAlert.kind == ALERT_KIND, StaffAlert.acknowledged_at.is_(None))
    ).all()
    return [alert for alert in alerts if (alert.detail or {}).get("reference") == reference]


def _open_alert_exists(session: Session, *, reference: str) -> bool:
    return bool(_open_alerts(session, reference=reference))


def settle_lock_alerts(session: Session, *, reference: str, staff_id: int) -> int:
    """Acknowledge the reference's open lock alerts (its lock was cleared), so a new lock alerts staff again."""
    settled = _open_alerts(session, reference=reference)
    for alert in settled:
        acknowledge(session, alert_id=alert.id, staff_id=staff_id)
    return len(settled)


def announce_lock(session: Session, *, reference: str, state: LockState, now: datetime) -> None:
    """Raise one open staff alert per reference at once, and warn each victim of the case on their registered
    contact at the first time they allow (quiet hours, their window, weekends).

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
            warning = enqueue(
                session,
                channel=victim.contact_channel,
                recipient=victim.contact_address,
                payload={"text": response_text("utter_contact_access_warning", victim.contact_channel)},
                origin="notification",
            )
            hold_until_permitted(session, warning, now=now)  # unprompted: never at night or outside their chosen times
    logger.warning("verification locked for a reference after %d failures", state.failures)
