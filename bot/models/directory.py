"""Agency directory and the referrals made to agencies with a victim's consent."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Text, true

from bot.models.base import Base, utcnow


class Agency(Base):
    """A support agency; list-valued fields are JSON so SQLite and PostgreSQL agree."""

    __tablename__ = "agencies"
    id = Column(Integer, primary_key=True)
    slug = Column(String(80), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    summary = Column(Text, nullable=False, default="")
    national = Column(Boolean, nullable=False, default=False)
    sample = Column(Boolean, nullable=False, default=False)  # a fictional local agency
    needs = Column(JSON, nullable=False, default=list)
    areas = Column(JSON, nullable=False, default=list)  # district names; empty for national
    postcode_districts = Column(JSON, nullable=False, default=list)
    min_age = Column(Integer)
    max_age = Column(Integer)
    genders = Column(JSON, nullable=False, default=list)  # empty: everyone
    phone = Column(String(40))
    text_number = Column(String(40))
    email = Column(String(200))
    website = Column(String(200))
    opening_hours = Column(JSON, nullable=False, default=dict)  # {"mon": [["09:00","17:00"]], ...} or {"always": true}
    languages = Column(JSON, nullable=False, default=list)
    self_referral = Column(Boolean, nullable=False, default=True)
    accepts_referrals = Column(Boolean, nullable=False, default=True)
    active = Column(
        Boolean, nullable=False, default=True, server_default=true()
    )  # False: dropped from the file but has referrals
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Referral(Base):
    """A referral recorded for an agency after the victim gave explicit consent."""

    __tablename__ = "referrals"
    id = Column(Integer, primary_key=True)
    agency_id = Column(ForeignKey("agencies.id", ondelete="RESTRICT"), nullable=False, index=True)
    sender_id = Column(String(200), nullable=False)
    channel = Column(String(20), nullable=False)
    victim_id = Column(ForeignKey("victims.id", ondelete="SET NULL"))
    need = Column(String(60), nullable=False)
    area = Column(String(80))
    contact_preference = Column(Text)
    consent_given_at = Column(DateTime, nullable=False, default=utcnow)
    status = Column(String(20), nullable=False, default="new")  # new | sent | accepted | declined
    created_at = Column(DateTime, nullable=False, default=utcnow)
