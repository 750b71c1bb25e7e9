"""The case feed's tables: the integrations allowed to send events, and every event applied (for replays and clocks)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String, UniqueConstraint

from bot.models.base import Base, utcnow

CLI_SOURCE = "cli"  # events typed at `python -m bot case add-update`
CSV_SOURCE = "csv"  # events imported from a file without --integration


class FeedIntegration(Base):
    """A police system allowed to send case events; only a SHA-256 of its bearer token is kept."""

    __tablename__ = "feed_integrations"
    id = Column(Integer, primary_key=True)
    name = Column(String(32), nullable=False, unique=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    prefix = Column(String(12), nullable=False)  # the token's first characters, to tell tokens apart
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_used_at = Column(DateTime)
    revoked_at = Column(DateTime)


class CaseEvent(Base):
    """One accepted case event, unique by its sender's event id within its source (an integration's name,
    "cli" or "csv"). The first answer is kept so a repeat gets the same answer and changes nothing.

    `kind`, `case_id`, `occurred_at` and `details` are what Victims' Code clocks will start from; `details`
    holds the validated event without verification secrets (a new victim's date of birth, postcode, PIN).
    """

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("source", "event_id", name="uq_case_events_source_event_id"),)
    id = Column(Integer, primary_key=True)
    source = Column(String(40), nullable=False)
    event_id = Column(String(80), nullable=False)
    kind = Column(String(30), nullable=False)
    case_id = Column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    case_update_id = Column(ForeignKey("case_updates.id", ondelete="SET NULL"))
    occurred_at = Column(DateTime, nullable=False)
    received_at = Column(DateTime, nullable=False, default=utcnow)
    body_digest = Column(String(64), nullable=False)  # SHA-256 of the validated event: a changed repeat is refused
    details = Column(JSON, nullable=False)
    answer = Column(JSON, nullable=False)  # the body of the first answer, returned again to a repeat
