"""Every conversation's live summary for staff: channel, last message, risk over the last 24 hours."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, Integer, String

from bot.models.base import Base, utcnow

RISK_BANDS = ("escalate", "uncertain", "none")


class LiveConversation(Base):
    """One row per sender, upserted on each victim message (bot.live.record)."""

    __tablename__ = "live_conversations"
    sender_id = Column(String(200), primary_key=True)
    # Opaque id for console links, so a phone number never appears in a URL or browser history.
    ref = Column(String(32), nullable=False, unique=True)
    channel = Column(String(20), nullable=False)
    last_message_at = Column(DateTime, nullable=False, index=True)  # naive UTC
    max_risk_score = Column(Float, nullable=False, default=0.0)  # 0..1, over the 24 h before last_message_at
    max_risk_category = Column(String(60))
    last_risk_band = Column(String(20), nullable=False, default="none")  # escalate | uncertain | none
    watch = Column(Boolean, nullable=False, default=False)  # any 'uncertain' or score >= 0.3 in those 24 h
    message_count = Column(Integer, nullable=False, default=0)
    # The few risk marks that can still decide the 24-hour figures (see bot.live.window); no message text.
    risk_marks = Column(JSON, nullable=False, default=list)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
