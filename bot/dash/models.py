"""The Dash checklist completed for a hand-off: answers sealed at rest, the score kept for Marac reporting."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer

from bot.models.base import Base, utcnow
from bot.privacy.sealed_columns import SealedJSON


class DashAssessment(Base):
    """One hand-off's Dash checklist (saving again replaces the answers); the answers are encrypted."""

    __tablename__ = "dash_assessments"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, unique=True)
    answers = Column(SealedJSON, nullable=False)  # {"1": "yes" | "no" | "not_known", ...}
    score = Column(Integer, nullable=False)  # the count of "yes"
    completed_by = Column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
