"""Two-factor verification tables: one-time codes, disclosure grants, lock clears and per-reference throttle rows."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

from bot.models.base import Base, utcnow


class VerificationThrottle(Base):
    """One row per crime reference ever tried; updated first in every check so checks of a reference run in turn."""

    __tablename__ = "verification_throttles"
    reference = Column(String(20), primary_key=True)  # normalised; may not exist as a case
    touched_at = Column(DateTime, nullable=False, default=utcnow)


class VerificationCode(Base):
    """A one-time code sent to a victim's registered contact; only its keyed hash is stored."""

    __tablename__ = "verification_codes"
    id = Column(Integer, primary_key=True)
    case_id = Column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    victim_id = Column(ForeignKey("victims.id", ondelete="CASCADE"), nullable=False)
    sender_key = Column(String(220), nullable=False, index=True)  # who passed the knowledge check and may redeem it
    knowledge = Column(String(20), nullable=False)  # pin | dob_postcode
    code_hash = Column(String(64), nullable=False)  # HMAC-SHA256 hex (bot/cases/one_time_codes.py)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    closed_at = Column(DateTime)  # used, superseded by a newer code, or out of attempts


class DisclosureGrant(Base):
    """Both factors passed: this sender may be told about this case for a while (re-checked before disclosure)."""

    __tablename__ = "disclosure_grants"
    id = Column(Integer, primary_key=True)
    reference = Column(String(20), nullable=False, index=True)
    case_id = Column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    victim_id = Column(ForeignKey("victims.id", ondelete="CASCADE"), nullable=False)
    sender_key = Column(String(220), nullable=False, index=True)
    knowledge = Column(String(20), nullable=False)  # pin | dob_postcode
    possession = Column(String(30), nullable=False)  # registered_contact | one_time_code | not_required
    granted_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class VerificationLockClear(Base):
    """A supervisor cleared a reference's lock after checking the victim's identity by phone."""

    __tablename__ = "verification_lock_clears"
    id = Column(Integer, primary_key=True)
    reference = Column(String(20), nullable=False, index=True)
    staff_id = Column(ForeignKey("staff.id", ondelete="SET NULL"))
    cleared_at = Column(DateTime, nullable=False, default=utcnow)
