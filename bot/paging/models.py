"""The pages sent: one row per hand-off and level, whose unique insert is the claim that sends that page."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, UniqueConstraint

from bot.models.base import Base, utcnow


class PageSent(Base):
    """One level of paging done for one hand-off: "on_call" (after 2 minutes) or "supervisor" (after 5).

    Several workers may run the paging job at once; the one whose insert lands sends the page.
    """

    __tablename__ = "pages_sent"
    __table_args__ = (UniqueConstraint("handoff_id", "level", name="uq_pages_sent_handoff_id_level"),)
    id = Column(Integer, primary_key=True)
    handoff_id = Column(ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False)
    level = Column(String(20), nullable=False)
    recipients = Column(Integer, nullable=False, default=0)  # staff paged (0: nobody on call had a pager)
    failures = Column(Integer, nullable=False, default=0)  # emails the SMTP server refused
    sent_at = Column(DateTime, nullable=False, default=utcnow)
