"""Case store tables: cases, their timeline, victims and their contact identities."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from bot.models.base import Base, utcnow

CASE_STATUSES = (
    "reported", "under_investigation", "suspect_arrested", "released_under_investigation",
    "on_bail", "charged", "no_further_action", "at_court", "trial_date_set", "outcome", "closed",
)

victim_cases = Table(
    "victim_cases",
    Base.metadata,
    Column("victim_id", ForeignKey("victims.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
)


class Case(Base):
    """A crime report as the police hold it, reduced to what a victim may be told."""

    __tablename__ = "cases"
    id = Column(Integer, primary_key=True)
    reference = Column(String(20), nullable=False, unique=True)  # normalised, e.g. SP/12345/26
    offence = Column(String(120), nullable=False)
    # domestic_abuse | stalking | harassment | sexual_offence | honour_based_abuse | None (see bot/cases/possession.py)
    offence_category = Column(String(40))
    status = Column(String(40), nullable=False, default="reported")
    district = Column(String(60))
    officer_name = Column(String(120))
    officer_contact = Column(String(200))  # a route, e.g. "101, ask for PC 1234 Example"
    reported_on = Column(Date, nullable=False)
    next_hearing_at = Column(DateTime)
    next_hearing_court = Column(String(120))
    status_changed_at = Column(DateTime, nullable=False, default=utcnow)
    updates = relationship("CaseUpdate", back_populates="case", order_by="CaseUpdate.occurred_at")
    victims = relationship("Victim", secondary=victim_cases, back_populates="cases")


class CaseUpdate(Base):
    """One event on a case's timeline; only `shareable` ones may reach the victim."""

    __tablename__ = "case_updates"
    id = Column(Integer, primary_key=True)
    case_id = Column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    occurred_at = Column(DateTime, nullable=False, default=utcnow)
    status = Column(String(40))
    summary = Column(Text, nullable=False)
    shareable = Column(Boolean, nullable=False, default=True)
    notified_at = Column(DateTime)
    case = relationship("Case", back_populates="updates")


class Victim(Base):
    """A victim with hashed verification secrets, consent and Victims' Code entitlement."""

    __tablename__ = "victims"
    id = Column(Integer, primary_key=True)
    first_name = Column(String(60), nullable=False)
    dob_postcode_hash = Column(String(200))  # argon2 of "YYYY-MM-DD|POSTCODE"
    pin_hash = Column(String(200))  # argon2 of the PIN issued at reporting
    preferred_channel = Column(String(20), default="sms")
    # the contact recorded at reporting: where one-time codes and access warnings go (sms | telegram)
    contact_channel = Column(String(20))
    contact_address = Column(String(200))  # "+447700900101" or a Telegram chat id
    consent_updates = Column(Boolean, nullable=False, default=True)
    consent_referral = Column(Boolean, nullable=False, default=False)
    enhanced_entitlement = Column(Boolean, nullable=False, default=False)
    cases = relationship("Case", secondary=victim_cases, back_populates="victims")
    identities = relationship("ContactIdentity", back_populates="victim")


class ContactIdentity(Base):
    """A channel address (phone, Telegram chat, web session); linked to a victim only after verification."""

    __tablename__ = "contact_identities"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_contact_identities_channel_address"),)
    id = Column(Integer, primary_key=True)
    channel = Column(String(20), nullable=False)  # sms | telegram | webchat | rest
    address = Column(String(200), nullable=False)
    victim_id = Column(ForeignKey("victims.id", ondelete="SET NULL"), index=True)
    verified_at = Column(DateTime)
    opted_out = Column(Boolean, nullable=False, default=False)
    opted_out_at = Column(DateTime)
    first_seen_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)
    victim = relationship("Victim", back_populates="identities")
