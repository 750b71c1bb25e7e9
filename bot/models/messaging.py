"""The durable outbox of outbound messages (the inbox, its mirror, is bot/models/inbox.py)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Text

from bot.models.base import Base, utcnow
from bot.privacy.sealed_columns import SealedJSON


class OutboxMessage(Base):
    """One outbound message; sent in id order per (channel, recipient), retried with back-off."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("uq_outbox_idempotency_key", "idempotency_key", unique=True),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )
    id = Column(Integer, primary_key=True)
    channel = Column(String(20), nullable=False)
    recipient = Column(String(200), nullable=False, index=True)
    payload = Column(SealedJSON, nullable=False)  # {"text": ..., "buttons": [...], ...}, encrypted at rest
    origin = Column(String(20), nullable=False, default="bot")  # bot | staff | notification
    status = Column(String(20), nullable=False, default="pending", index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow)
    provider_message_id = Column(String(100), index=True)
    delivery_status = Column(String(30))  # provider callback: delivered | undelivered | failed ...
    last_error = Column(Text)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    sent_at = Column(DateTime)
    idempotency_key = Column(String(200))  # "<enqueue key>#<part>": unique, stable across retries
    lease_token = Column(String(32))  # fresh per claim: only its holder may record the outcome
    lease_expires_at = Column(DateTime)  # while "sending": after this, another worker may take the message over
