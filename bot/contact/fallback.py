"""Follow up queued nudges: a failed or undelivered one moves to the next permitted channel, then to a staff task.

Run each notification round (bot/notify.py). It reads what the outbox recorded: the worker giving up ("failed")
and the provider's status callbacks (bot/outbox/delivery.py: "undelivered", "failed"), so no hook is needed in
the callback path. A nudge still waiting for its time is withdrawn if its address opted out or became unsafe.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.cases.identities import SenderAddress
from bot.contact.models import ContactNudge
from bot.contact.nudges import QUEUED, next_try, reachable_routes
from bot.models import OutboxMessage
from bot.outbox.delivery import PROBLEM_DELIVERY

logger = logging.getLogger(__name__)
FOLLOW_UP_DAYS = 7  # status callbacks come within hours; older nudges are no longer watched
FAILED, WITHDRAWN, DELIVERED = "failed", "withdrawn", "delivered"


def _rows_by_key(session: Session, nudges: list[ContactNudge], since: datetime) -> dict[str, list[OutboxMessage]]:
    """Each watched nudge's outbox rows (keys "<outbox_key>#<part>"), read in one query, not one scan a nudge."""
    keys = {nudge.outbox_key for nudge in nudges if nudge.outbox_key}
    rows: dict[str, list[OutboxMessage]] = defaultdict(list)
    if not keys:
        return rows
    recent = select(OutboxMessage).where(OutboxMessage.origin == "notification", OutboxMessage.created_at >= since)
    for row in session.scalars(recent):
        key = (row.idempotency_key or "").rpartition("#")[0]
        if key in keys:
            rows[key].append(row)
    return rows


def _delivered(rows: list[OutboxMessage]) -> bool:
    """Every part went, and no failure can follow: the provider confirmed it, or the channel reports no later
    outcome (only SMS has delivery receipts)."""
    return bool(rows) and all(
        row.status == "sent" and (row.delivery_status == "delivered" or row.channel != "sms") for row in rows
    )


def _failed(rows: list[OutboxMessage]) -> bool:
    return any(row.status == "failed" or row.delivery_status in PROBLEM_DELIVERY for row in rows)


def _no_longer_reachable(session: Session, nudge: ContactNudge, rows: list[OutboxMessage]) -> bool:
    """A part still waiting to go, to an address that opted out or was said to be unsafe since it was queued."""
    waiting = [row for row in rows if row.status == "pending"]
    if not waiting:
        return False
    reachable = {SenderAddress.on(route.channel, route.address) for route in reachable_routes(session, nudge.victim_id)}
    return SenderAddress(waiting[0].channel, waiting[0].recipient) not in reachable


def _settle(session: Session, nudge: ContactNudge, status: str, now: datetime) -> bool:
    """Move the nudge on from "queued" (False when another round already did)."""
    result = session.execute(
        update(ContactNudge)
        .where(ContactNudge.id == nudge.id, ContactNudge.status == QUEUED)
        .values(status=status, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def follow_up_nudges(session: Session, *, now: datetime) -> int:
    """Try the next channel (or raise a staff task) for each failed nudge; returns how many moved on."""
    since = now - timedelta(days=FOLLOW_UP_DAYS)
    watching = select(ContactNudge).where(ContactNudge.status == QUEUED, ContactNudge.created_at >= since)
    watched = session.scalars(watching.order_by(ContactNudge.id)).all()
    rows_of = _rows_by_key(session, list(watched), since - timedelta(days=1))
    moved = 0
    for nudge in watched:
        rows = rows_of.get(nudge.outbox_key or "", [])
        if _delivered(rows):
            _settle(session, nudge, DELIVERED, now)  # no longer watched: each round stays short
            continue
        if _failed(rows):
            status = FAILED
        elif _no_longer_reachable(session, nudge, rows):
            status = WITHDRAWN
            for row in rows:
                if row.status == "pending":
                    row.status = "suppressed"
        else:
            continue
        if not _settle(session, nudge, status, now):
            continue
        victim = {"update_id": nudge.update_id, "case_id": nudge.case_id, "victim_id": nudge.victim_id}
        outcome = next_try(session, **victim, now=now)
        logger.info("nudge for update %s on %s %s; next: %s", nudge.update_id, nudge.channel, status, outcome)
        moved += 1
    session.flush()
    return moved
