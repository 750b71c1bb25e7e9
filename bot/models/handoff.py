"""Hand-offs of conversations to gateway staff, and their private notes."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text

from bot.models.base import Base, utcnow

LEVEL_PRIORITY = {"imminent": 0, "high": 1, "medium": 2, "normal": 3}


class Handoff(Base):
    """A conversation waiting for, or held by, a gateway worker."""

    __tablename__ = "handoffs"
    id = Column(Integer, primary_key=True)
    sender_id = Column(String(200), nullable=False, index=True)
    channel = Column(String(20), nullable=False)
    reason = Column(String(20), nullable=False)  # risk | requested | fallback | verification
    level = Column(String(20), nullable=False, default="normal")
    category = Column(String(60))
    priority = Column(Integer, nullable=False, default=3)  # lower is more urgent
    status = Column(String(20), nullable=False, default="waiting", index=True)  # waiting | active | closed
    victim_id = Column(ForeignKey("victims.id", ondelete="SET NULL"))
    claimed_by = Column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    claimed_at = Column(DateTime)
    closed_at = Column(DateTime)
    outcome = Column(String(40))
    resolution = Column(String(20))  # handback | end
    opened_for = Column(String(80))  # the message id of the victim message whose turn opened it, if a turn did


class HandoffNote(Base):
    """A private note by staff on a hand-off; never shown to the victim."""

    __tablename__ = "handoff_notes"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    staff_id = Column(ForeignKey("staff.id", ondelete="SET NULL"))
    body = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
