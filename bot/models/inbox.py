"""The durable inbox: every inbound message stored (encrypted) before it is acknowledged, until handled."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Text, UniqueConstraint

from bot.models.base import Base, utcnow


class InboxMessage(Base):
    """One inbound message; handled in id order per (channel, address), re-driven after a crash.

    `content` is a Fernet token of the message's JSON (its text, or the provider's raw update); it is
    cleared once the message is handled, since the conversation then holds it (encrypted too).
    """

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("provider", "provider_id", name="uq_inbox_provider_id"),
        Index("ix_inbox_unhandled", "status", "channel", "address", "id"),
    )
    id = Column(Integer, primary_key=True)
    provider = Column(String(20), nullable=False)  # twilio | telegram | webchat | rest
    provider_id = Column(String(120), nullable=False)  # MessageSid, update_id, client message id
    channel = Column(String(20), nullable=False)
    address = Column(String(200), nullable=False)
    content = Column(Text)  # encrypted JSON; NULL once handled
    status = Column(String(20), nullable=False, default="pending")  # pending | processing | handled
    attempts = Column(Integer, nullable=False, default=0)
    lease_token = Column(String(40))
    lease_until = Column(DateTime)
    received_at = Column(DateTime, nullable=False, default=utcnow)
    handled_at = Column(DateTime)
    outcome = Column(String(40))  # replied | duplicate-turn | unreadable ... (never message text)
