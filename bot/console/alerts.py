"""Staff alerts (e.g. many senders failing one reference) as supervisors see and acknowledge them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models.base import utcnow
from bot.models.security import StaffAlert


def open_alerts(session: Session, *, limit: int = 50) -> list[dict[str, Any]]:
    """Unacknowledged alerts, newest first."""
    query = select(StaffAlert).where(StaffAlert.acknowledged_at.is_(None)).order_by(StaffAlert.id.desc()).limit(limit)
    return [
        {
            "id": alert.id,
            "kind": alert.kind.replace("_", " "),
            "detail": ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in (alert.detail or {}).items()),
            "created_at": alert.created_at.isoformat(timespec="minutes"),
        }
        for alert in session.scalars(query)
    ]


def acknowledge(session: Session, *, alert_id: int, staff_id: int) -> bool:
    """Mark an alert as seen; False if there is no such open alert."""
    alert = session.get(StaffAlert, alert_id)
    if alert is None or alert.acknowledged_at is not None:
        return False
    alert.acknowledged_by = staff_id
    alert.acknowledged_at = utcnow()
    session.flush()
    return True


def raise_alert(session: Session, *, kind: str, detail: dict[str, Any]) -> StaffAlert:
    """Add an alert for supervisors; `detail` is shown as "key: value" pairs, so keep personal data out of it."""
    alert = StaffAlert(kind=kind, detail=dict(detail), created_at=utcnow())
    session.add(alert)
    session.flush()
    return alert
