"""The conversations staff see live: active in the last 24 hours or with an open hand-off, with state, filtered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.handoff.queue import OPEN_STATUSES
from bot.live.window import WINDOW, summarise
from bot.models.base import utcnow
from bot.models.handoff import Handoff
from bot.models.live import LiveConversation
from bot.models.staff import Staff

STATES = ("with_staff", "waiting", "watch", "bot")
STATE_LABELS = {"with_staff": "With staff", "waiting": "Waiting", "watch": "Watch", "bot": "Bot"}
RISK_FILTERS = ("all", "watch", "escalated")
SORTS = ("risk", "recent")


def conversation_state(open_handoff: Any | None, *, watch: bool) -> str:
    """'with_staff' if an open hand-off is claimed, 'waiting' if open and unclaimed, 'watch' if flagged, else 'bot'."""
    if open_handoff is not None:
        return "with_staff" if open_handoff.claimed_by is not None else "waiting"
    return "watch" if watch else "bot"


@dataclass(frozen=True)
class LiveItem:
    """One conversation as the live view shows it (risk as of now, over the last 24 hours)."""

    ref: str
    sender_id: str
    channel: str
    state: str
    max_risk_score: float
    max_risk_category: str | None
    last_risk_band: str
    watch: bool
    escalated: bool
    last_message_at: datetime
    message_count: int
    handoff_id: int | None
    claimed_by: str | None


def open_handoffs(session: Session) -> dict[str, tuple[Handoff, str | None]]:
    """Each sender's open hand-off (the newest, if several) with the username holding it."""
    query = (
        select(Handoff, Staff.username)
        .outerjoin(Staff, Staff.id == Handoff.claimed_by)
        .where(Handoff.status.in_(OPEN_STATUSES))
        .order_by(Handoff.id)
    )
    return {handoff.sender_id: (handoff, username) for handoff, username in session.execute(query).all()}


def live_item(row: LiveConversation, handoff: tuple[Handoff, str | None] | None, now: datetime) -> LiveItem:
    """A row and its open hand-off, if any, as the view shows them at `now`."""
    summary = summarise(list(row.risk_marks or []), now)
    found, holder = handoff if handoff else (None, None)
    return LiveItem(
        ref=row.ref,
        sender_id=row.sender_id,
        channel=row.channel,
        state=conversation_state(found, watch=summary.watch),
        max_risk_score=summary.max_score,
        max_risk_category=summary.category,
        last_risk_band=row.last_risk_band,
        watch=summary.watch,
        escalated=summary.escalated,
        last_message_at=row.last_message_at,
        message_count=row.message_count,
        handoff_id=found.id if found else None,
        claimed_by=holder,
    )


def matches(item: LiveItem, *, risk: str = "all", state: str | None = None) -> bool:
    """True when the item passes the risk filter ('all', 'watch', 'escalated') and the state filter (None: any)."""
    if state in STATES and item.state != state:
        return False
    if risk == "escalated":
        return item.escalated
    if risk == "watch":
        return item.watch or item.escalated
    return True


def list_live(session: Session, *, now: datetime | None = None, sort: str = "risk") -> list[LiveItem]:
    """Conversations with a message in the last 24 hours or an open hand-off; highest risk (or newest) first."""
    now = now or utcnow()
    handoffs = open_handoffs(session)
    condition = LiveConversation.last_message_at > now - WINDOW
    if handoffs:
        condition = or_(condition, LiveConversation.sender_id.in_(list(handoffs)))
    rows = session.scalars(select(LiveConversation).where(condition)).all()
    items = [live_item(row, handoffs.get(row.sender_id), now) for row in rows]
    if sort == "recent":
        return sorted(items, key=lambda item: item.last_message_at, reverse=True)
    return sorted(items, key=lambda item: (item.max_risk_score, item.escalated, item.last_message_at), reverse=True)


def find_live(session: Session, *, ref: str) -> LiveConversation | None:
    """The live row with that console reference, if any."""
    return session.scalar(select(LiveConversation).where(LiveConversation.ref == ref))
