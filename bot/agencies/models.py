"""Which agency an agency account belongs to, and each agency's decision on a referral (for the referral clock)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

from bot.models.base import Base, utcnow
from bot.privacy.sealed_columns import SealedText


class AgencyAccount(Base):
    """A console account with the "agency" role, tied to one directory agency."""

    __tablename__ = "agency_accounts"
    staff_id = Column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    agency_id = Column(ForeignKey("agencies.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class ReferralDecision(Base):
    """An agency's answer to a referral: accepted or declined, with a note (sealed: it may name the person)."""

    __tablename__ = "referral_decisions"
    id = Column(Integer, primary_key=True)
    referral_id = Column(ForeignKey("referrals.id", ondelete="CASCADE"), nullable=False, unique=True)
    decision = Column(String(20), nullable=False)  # accepted | declined
    note = Column(SealedText(3000))
    decided_by = Column(ForeignKey("staff.id", ondelete="SET NULL"))
    decided_at = Column(DateTime, nullable=False, default=utcnow, index=True)
