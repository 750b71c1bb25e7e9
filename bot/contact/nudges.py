"""Tell one victim about one update: on their first permitted channel at the first permitted time, else a staff task.

Each try is a `ContactNudge` row, one per (update, victim, channel): that row, and the outbox's idempotency key,
make every step safe to repeat. Waiting for a permitted time uses the outbox row's `next_attempt_at`, so the
nudge is queued at once and deferred, never dropped; bot/contact/fallback.py withdraws it if they opt out meanwhile.
"ask before texting" is a staff task (kind "contact_ask_first"): a person asks them, and nothing goes unprompted.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.identities import SenderAddress
from bot.cases.notifications import notification_text
from bot.console.alerts import raise_alert
from bot.contact import preferences
from bot.contact.models import STAFF_TASK, ContactNudge
from bot.contact.timing import parse_window
from bot.handoff.contact_later import may_message_later
from bot.models.cases import Case, ContactIdentity, Victim
from bot.outbox.store import enqueue_all
from bot.settings import get_settings, quiet_hours

logger = logging.getLogger(__name__)
QUEUED, STAFF_TASKED, WITHHELD, ALREADY = "queued", "staff_task", "withheld", "already"


@dataclass(frozen=True)
class Route:
    """A verified address the victim can be told on."""

    channel: str
    address: str


def notification_key(update_id: int, channel: str, address: str) -> str:
    """The outbox idempotency key of one nudge: the same update to the same identity is queued once,
    however many workers look at once (the address is hashed: keys are not where personal data goes)."""
    identity = hashlib.sha256(f"{channel}:{address}".encode()).hexdigest()[:32]
    return f"notify:{update_id}:{identity}"


def reachable_routes(session: Session, victim_id: int) -> list[Route]:
    """Verified addresses that did not opt out and were not called unsafe, the victim's preferred channel first.

    Empty when they withdrew consent to updates: then nothing is sent and no task is made."""
    victim = session.get(Victim, victim_id)
    if victim is None or not victim.consent_updates:
        return []
    rows = session.execute(
        select(ContactIdentity.channel, ContactIdentity.address)
        .where(
            ContactIdentity.victim_id == victim_id,
            ContactIdentity.verified_at.is_not(None),
            ContactIdentity.opted_out.is_(False),
        )
        .order_by(ContactIdentity.id)
    ).all()
    routes = [
        Route(channel, address)
        for channel, address in rows
        if may_message_later(session, sender_id=SenderAddress(channel, address).sender_id)
    ]
    return sorted(routes, key=lambda route: route.channel != victim.preferred_channel)


def _tried(session: Session, update_id: int, victim_id: int) -> set[str]:
    query = select(ContactNudge.channel).where(ContactNudge.update_id == update_id, ContactNudge.victim_id == victim_id)
    return set(session.scalars(query))


def start(session: Session, *, update_id: int, case_id: int, victim_id: int, now: datetime) -> str:
    """The first try for this update and victim; ALREADY if one was made before."""
    if _tried(session, update_id, victim_id):
        return ALREADY
    return next_try(session, update_id=update_id, case_id=case_id, victim_id=victim_id, now=now)


def next_try(session: Session, *, update_id: int, case_id: int, victim_id: int, now: datetime) -> str:
    """Queue the nudge on the next permitted channel not yet tried, or make a staff task when none is left.

    An opt-out (or "not safe", or no consent) on every address means nothing at all happens."""
    tried = _tried(session, update_id, victim_id)
    if STAFF_TASK in tried:
        return ALREADY
    wanted = preferences.load(session, victim_id)
    reachable = reachable_routes(session, victim_id)
    if not reachable:
        return WITHHELD
    task = {"update_id": update_id, "case_id": case_id, "victim_id": victim_id}
    if wanted.ask_first:
        return _staff_task(session, **task, kind="contact_ask_first", reason="ask them before any message", now=now)
    allowed = [route for route in reachable if wanted.allows(route.channel) and route.channel not in tried]
    allowed.sort(key=lambda route: wanted.channels.index(route.channel) if wanted.channels else 0)
    if not allowed:
        reason = "delivery failed on every permitted channel" if tried else "no permitted channel"
        return _staff_task(session, **task, kind="contact_failed", reason=reason, now=now)
    due = wanted.times(parse_window(quiet_hours())).next_permitted(now, ZoneInfo(get_settings().timezone))
    if due is None:
        return _staff_task(session, **task, kind="contact_failed", reason="no permitted time", now=now)
    return _queue(session, allowed[0], **task, due=due, now=now)


def _queue(
    session: Session, route: Route, *, update_id: int, case_id: int, victim_id: int, due: datetime, now: datetime
) -> str:
    key = notification_key(update_id, route.channel, route.address)
    rows = enqueue_all(
        session,
        channel=route.channel,
        recipient=route.address,
        payload={"text": notification_text(route.channel)},
        origin="notification",
        idempotency_key=key,
    )
    if route.channel in _tried(session, update_id, victim_id):
        return ALREADY  # another round queued it first (the enqueue above waited for it and stored nothing)
    for row in rows:
        if row.status == "pending" and due > now:
            row.next_attempt_at = due  # deferred to the first permitted time: the outbox holds it until then
    session.add(
        ContactNudge(
            update_id=update_id,
            victim_id=victim_id,
            case_id=case_id,
            channel=route.channel,
            status=QUEUED,
            outbox_key=key,
            due_at=due,
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()
    if due > now:
        logger.info("nudge for update %s on %s deferred until %s UTC", update_id, route.channel, f"{due:%d %b %H:%M}")
    return QUEUED


def _staff_task(
    session: Session, *, update_id: int, case_id: int, victim_id: int, kind: str, reason: str, now: datetime
) -> str:
    """Record the staff task (once per update and victim) and raise it: it names the case reference, no person."""
    session.add(
        ContactNudge(
            update_id=update_id,
            victim_id=victim_id,
            case_id=case_id,
            channel=STAFF_TASK,
            status=STAFF_TASKED,
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()
    case = session.get(Case, case_id)
    raise_alert(session, kind=kind, detail={"case": case.reference if case else "unknown", "reason": reason})
    logger.info("nudge for update %s became a staff task (%s)", update_id, kind)
    return STAFF_TASKED
