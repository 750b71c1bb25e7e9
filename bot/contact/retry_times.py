"""When a retry of an unprompted message may go: the recipient's window, "not at weekends" and quiet hours.

A first nudge is queued for a permitted time (bot/contact/nudges.py); this rule keeps its retries there too, and
those of every other message with origin "notification" (a referral accepted, a verification-lock warning).
Replies to a message the victim just sent have other origins and are never held. `install_retry_holds` is
called where an outbox worker starts (bot/worker/service.py, and the Rasa server's web chat channel).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contact import preferences
from bot.contact.timing import ContactTimes, parse_window
from bot.models import OutboxMessage
from bot.models.cases import ContactIdentity
from bot.outbox.holds import register_hold
from bot.settings import get_settings, quiet_hours

UNPROMPTED_ORIGINS = ("notification",)  # what bot/outbox/store.py also suppresses after an opt-out
MAX_ROUNDS = 8  # several victims on one address: move to each one's next permitted time until all agree


def _times_for(session: Session, channel: str, recipient: str) -> list[ContactTimes]:
    """The limits of every victim verified on this address; quiet hours alone when none is."""
    quiet = parse_window(quiet_hours())
    victim_ids = session.scalars(
        select(ContactIdentity.victim_id).where(
            ContactIdentity.channel == channel,
            ContactIdentity.address == recipient,
            ContactIdentity.victim_id.is_not(None),
        )
    ).all()
    if not victim_ids:
        return [ContactTimes(quiet=quiet)]
    return [preferences.load(session, victim_id).times(quiet) for victim_id in sorted(set(victim_ids))]


def next_permitted_time(session: Session, channel: str, recipient: str, proposed: datetime) -> datetime | None:
    """The first moment at or after `proposed` (naive UTC) that every limit on this address permits; None if
    none comes within a week (the outbox then gives the message up, and the nudge's fallback takes over)."""
    zone = ZoneInfo(get_settings().timezone)
    limits = _times_for(session, channel, recipient)
    moment: datetime | None = proposed
    for _ in range(MAX_ROUNDS):
        later = moment
        for times in limits:
            later = times.next_permitted(later, zone) if later is not None else None
        if later is None or later == moment:
            return later
        moment = later
    return None


def hold_until_permitted(session: Session, row: OutboxMessage, *, now: datetime | None = None) -> None:
    """Defer a just-queued unprompted message to its recipient's first permitted time from `now` (naive UTC;
    the row's due time by default); the caller commits.

    With no permitted time within a week it stays due now: the retry rule then gives it up, so its sender's
    fallback (a staff task) takes over rather than a message sitting unseen."""
    if row.status != "pending":
        return
    start = now or row.next_attempt_at
    due = next_permitted_time(session, row.channel, row.recipient, start)
    if due is not None and due > start:
        row.next_attempt_at = due


def install_retry_holds() -> None:
    """Hold retries of unprompted messages to permitted times in this process (idempotent)."""
    for origin in UNPROMPTED_ORIGINS:
        register_hold(origin, next_permitted_time)
