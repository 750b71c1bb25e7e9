"""The durable outbox of outbound messages and the receipts that de-duplicate inbound ones."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Integer, String, Text, UniqueConstraint

from bot.models.base import Base, utcnow


class OutboxMessage(Base):
    """One outbound message; sent in id order per (channel, recipient), retried with back-off."""

    __tablename__ = "outbox"
    id = Column(Integer, primary_key=True)
    channel = Column(String(20), nullable=False)
    recipient = Column(String(200), nullable=False, index=True)
    payload = Column(JSON, nullable=False)  # {"text": ..., "buttons": [...], ...}
    origin = Column(String(20), nullable=False, default="bot")  # bot | staff | notification
    status = Column(String(20), nullable=False, default="pending", index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow)
    provider_message_id = Column(String(100), index=True)
    delivery_status = Column(String(30))  # provider callback: delivered | undelivered | failed ...
    last_error = Column(Text)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    sent_at = Column(DateTime)


class InboundReceipt(Base):
    """A provider message id already received, so retried deliveries are not processed twice."""

    __tablename__ = "inbound_receipts"
    __table_args__ = (UniqueConstraint("provider", "provider_id", name="uq_inbound_receipts_provider_id"),)
    id = Column(Integer, primary_key=True)
    provider = Column(String(20), nullable=False)
    provider_id = Column(String(100), nullable=False)
    received_at = Column(DateTime, nullable=False, default=utcnow)
    note = Column(Text)
