"""Gateway staff accounts, their login sessions and the audit log of what they see and do."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String

from bot.models.base import Base, utcnow

ROLES = ("worker", "supervisor")


class Staff(Base):
    """A gateway worker or supervisor; the password is stored as an argon2 hash."""

    __tablename__ = "staff"
    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True)
    display_name = Column(String(120), nullable=False)
    role = Column(String(20), nullable=False, default="worker")
    password_hash = Column(String(200), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime)
    last_seen_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class StaffSession(Base):
    """A server-side login session; the cookie carries only a random token whose hash is stored."""

    __tablename__ = "staff_sessions"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(128), nullable=False, unique=True)
    staff_id = Column(ForeignKey("staff.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(128), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


class AuditEntry(Base):
    """One staff view or action (who, what, on which conversation, when)."""

    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    staff_id = Column(ForeignKey("staff.id", ondelete="SET NULL"))
    action = Column(String(60), nullable=False)
    target = Column(String(220))
    detail = Column(JSON, nullable=False, default=dict)
