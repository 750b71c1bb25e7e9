"""Remove conversations older than HAVEN_RETENTION_DAYS, keep those a safeguarding record still needs, audit it.

A conversation (Rasa's events of one sender) whose last message is older than the period is deleted;
an ongoing one loses only its sessions older than the period (its current session is never touched,
so Rasa's tracker stays whole). Conversations with an open hand-off, or a hand-off closed with a
safeguarding outcome, are kept whole. Old closed hand-offs lose their private notes and their sender
(replaced by a keyed digest); finished outbox messages (copies of what was said) are deleted; the live
summary of a removed conversation goes too. One audit entry says what was removed: counts, dates and
sender digests, never a message, a sender id or a note.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import case, delete, func, inspect, or_, select
from sqlalchemy.orm import Session

from bot.console import audit
from bot.handoff.escalation_events import EVENTS
from bot.handoff.queue import OPEN_STATUSES
from bot.models.base import utcnow
from bot.models.handoff import Handoff, HandoffNote
from bot.models.live import LiveConversation
from bot.models.messaging import OutboxMessage
from bot.privacy.keys import sender_digest
from bot.settings import get_settings

SAFEGUARDING_OUTCOMES = frozenset({"safeguarding_referral", "emergency_services_called"})
FINISHED_OUTBOX = ("sent", "failed")
AUDIT_ACTION = "retention_purge"
REMOVED_PREFIX = "removed:"


@dataclass
class RetentionReport:
    """What one run removed (never what it said)."""

    cutoff: datetime
    conversations_deleted: int = 0
    conversations_trimmed: int = 0
    events_deleted: int = 0
    kept_open_handoff: int = 0
    kept_safeguarding: int = 0
    handoffs_anonymised: int = 0
    handoff_notes_deleted: int = 0
    outbox_deleted: int = 0
    live_summaries_deleted: int = 0
    oldest_removed: date | None = None
    newest_removed: date | None = None
    senders: list[str] = field(default_factory=list)  # keyed digests (bot.privacy.keys.sender_digest)

    @property
    def removed_anything(self) -> bool:
        counts = (self.events_deleted, self.handoffs_anonymised, self.outbox_deleted, self.live_summaries_deleted)
        return any(counts)

    def audit_detail(self) -> dict[str, Any]:
        """The report as the audit log keeps it (JSON)."""
        detail = asdict(self)
        for name in ("cutoff", "oldest_removed", "newest_removed"):
            detail[name] = detail[name].isoformat() if detail[name] else None
        return detail


def _unix(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


def _day(timestamp: float) -> date:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).date()


def has_events_table(session: Session) -> bool:
    """False until Rasa's tracker store first started on this database (it creates `events`)."""
    return inspect(session.connection()).has_table(EVENTS.name)


def _holding_handoffs() -> Any:
    """Senders whose conversation is kept whatever its age (a subquery)."""
    holding = or_(Handoff.status.in_(OPEN_STATUSES), Handoff.outcome.in_(SAFEGUARDING_OUTCOMES))
    return select(Handoff.sender_id).where(holding)


def held_senders(session: Session) -> tuple[set[str], set[str]]:
    """Senders with an open hand-off, and senders with a hand-off closed with a safeguarding outcome."""
    open_ = set(session.scalars(select(Handoff.sender_id).where(Handoff.status.in_(OPEN_STATUSES))))
    outcome = Handoff.outcome.in_(SAFEGUARDING_OUTCOMES)
    safeguarding = set(session.scalars(select(Handoff.sender_id).where(outcome))) - open_
    return open_, safeguarding


def _remove_events(session: Session, report: RetentionReport, sender_id: str, *conditions: Any) -> int:
    """Delete the sender's events matching `conditions`; note their dates in the report."""
    where = (EVENTS.c.sender_id == sender_id, *conditions)
    span = select(func.min(EVENTS.c.timestamp), func.max(EVENTS.c.timestamp)).where(*where)
    oldest, newest = session.execute(span).one()
    if oldest is None:
        return 0
    removed = session.execute(delete(EVENTS).where(*where)).rowcount or 0
    report.events_deleted += removed
    first, last = _day(float(oldest)), _day(float(newest))
    report.oldest_removed = min(filter(None, (report.oldest_removed, first)))
    report.newest_removed = max(filter(None, (report.newest_removed, last)))
    report.senders.append(sender_digest(sender_id))
    return removed


def _purge_conversations(session: Session, report: RetentionReport, held: set[str], cutoff: float) -> None:
    """Delete whole old conversations and the old sessions of ongoing ones."""
    started = func.max(case((EVENTS.c.type_name == "session_started", EVENTS.c.timestamp)))
    per_sender = (
        select(EVENTS.c.sender_id, func.max(EVENTS.c.timestamp), started)
        .group_by(EVENTS.c.sender_id)
        .having(func.min(EVENTS.c.timestamp) < cutoff)
    )
    for sender_id, newest, session_start in session.execute(per_sender).all():
        if sender_id in held:
            continue
        if float(newest) < cutoff:
            _remove_events(session, report, sender_id)
            report.conversations_deleted += 1
        elif session_start is not None:
            boundary = min(cutoff, float(session_start))
            if _remove_events(session, report, sender_id, EVENTS.c.timestamp < boundary):
                report.conversations_trimmed += 1


def _anonymise_handoffs(session: Session, report: RetentionReport, held: set[str], cutoff: datetime) -> None:
    """Old closed hand-offs without a safeguarding outcome: notes deleted, sender replaced by its digest."""
    old = select(Handoff).where(
        Handoff.closed_at < cutoff,
        Handoff.status.not_in(OPEN_STATUSES),
        Handoff.outcome.is_(None) | Handoff.outcome.not_in(SAFEGUARDING_OUTCOMES),
        Handoff.sender_id.not_like(f"{REMOVED_PREFIX}%"),
    )
    for handoff in session.scalars(old).all():
        if handoff.sender_id in held:
            continue
        notes = delete(HandoffNote).where(HandoffNote.handoff_id == handoff.id)
        report.handoff_notes_deleted += session.execute(notes).rowcount or 0
        handoff.sender_id = REMOVED_PREFIX + sender_digest(handoff.sender_id)
        report.handoffs_anonymised += 1


def run_retention(session: Session, *, now: datetime | None = None, days: int | None = None) -> RetentionReport:
    """Remove what is older than `days` (default HAVEN_RETENTION_DAYS) and audit it; the caller commits."""
    now = now or utcnow()
    cutoff = now - timedelta(days=days if days is not None else get_settings().retention_days)
    report = RetentionReport(cutoff=cutoff)
    open_, safeguarding = held_senders(session)
    held = open_ | safeguarding
    if has_events_table(session):
        old_senders = select(EVENTS.c.sender_id).where(EVENTS.c.timestamp < _unix(cutoff)).distinct()
        old = set(session.scalars(old_senders))
        report.kept_open_handoff, report.kept_safeguarding = len(old & open_), len(old & safeguarding)
        _purge_conversations(session, report, held, _unix(cutoff))
    _anonymise_handoffs(session, report, held, cutoff)
    finished = delete(OutboxMessage).where(OutboxMessage.status.in_(FINISHED_OUTBOX), OutboxMessage.created_at < cutoff)
    report.outbox_deleted = session.execute(finished).rowcount or 0
    stale = (LiveConversation.last_message_at < cutoff, LiveConversation.sender_id.not_in(_holding_handoffs()))
    live = delete(LiveConversation).where(*stale)
    report.live_summaries_deleted = session.execute(live.execution_options(synchronize_session=False)).rowcount or 0
    report.senders.sort()
    if report.removed_anything:
        audit.record(session, staff_id=None, action=AUDIT_ACTION, **report.audit_detail())
    return report
