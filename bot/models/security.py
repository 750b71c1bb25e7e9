"""Verification attempts (for lock-out) and alerts raised for staff."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String

from bot.models.base import Base, utcnow


class VerificationAttempt(Base):
    """One answer to the verification questions for a reference, right or wrong."""

    __tablename__ = "verification_attempts"
    id = Column(Integer, primary_key=True)
    reference = Column(String(20), nullable=False, index=True)  # as typed, normalised; may not exist
    sender_key = Column(String(220), nullable=False, index=True)  # "channel:sender_id"
    succeeded = Column(Boolean, nullable=False)
    attempted_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class StaffAlert(Base):
    """Something staff should look at (e.g. many senders failing one reference)."""

    __tablename__ = "staff_alerts"
    id = Column(Integer, primary_key=True)
    kind = Column(String(40), nullable=False)
    detail = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    acknowledged_by = Column(ForeignKey("staff.id", ondelete="SET NULL"))
    acknowledged_at = Column(DateTime)
