"""The tables behind safe contact: a victim's preferences, and each nudge attempt per update and channel."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, UniqueConstraint

from bot.models.base import Base, utcnow

STAFF_TASK = "staff"  # the `channel` of the attempt that became a staff task instead of a message


class ContactPreference(Base):
    """How and when a victim may be contacted unprompted; no row means any verified channel, outside quiet hours."""

    __tablename__ = "contact_preferences"
    victim_id = Column(ForeignKey("victims.id", ondelete="CASCADE"), primary_key=True)
    channels = Column(String(100))  # "telegram,sms": allowed channels, most preferred first; empty: any
    window = Column(String(11))  # "18:00-21:00", local time; empty: any time outside quiet hours
    no_weekends = Column(Boolean, nullable=False, default=False)
    ask_first = Column(Boolean, nullable=False, default=False)  # staff ask before any unprompted message
    updated_by = Column(String(40), nullable=False)  # "staff:<id>", "feed" or "victim"
    updated_at = Column(DateTime, nullable=False, default=utcnow)


class ContactNudge(Base):
    """One try at telling a victim about one update: on one channel, or as a staff task (channel "staff")."""

    __tablename__ = "contact_nudges"
    __table_args__ = (UniqueConstraint("update_id", "victim_id", "channel", name="uq_contact_nudges_update_id"),)
    id = Column(Integer, primary_key=True)
    update_id = Column(ForeignKey("case_updates.id", ondelete="CASCADE"), nullable=False)
    victim_id = Column(ForeignKey("victims.id", ondelete="CASCADE"), nullable=False, index=True)
    case_id = Column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    channel = Column(String(20), nullable=False)
    status = Column(String(20), nullable=False, index=True)  # queued | delivered | failed | withdrawn | staff_task
    outbox_key = Column(String(190))  # the outbox idempotency key of the message, when one was queued
    due_at = Column(DateTime)  # when the message may go (the outbox row's first next_attempt_at)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
