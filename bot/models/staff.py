"""Gateway staff accounts, their sign-in state, API tokens and the audit log of what they see and do."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String

from bot.models.base import Base, utcnow
from bot.privacy.sealed_columns import SealedText

ROLES = ("worker", "supervisor")
AGENCY_ROLE = "agency"  # an agency's own account: sees only its referrals (bot/agencies)


class Staff(Base):
    """A gateway worker or supervisor; the password is stored as an argon2 hash."""

    __tablename__ = "staff"
    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True)
    display_name = Column(String(120), nullable=False)
    role = Column(String(20), nullable=False, default="worker")
    password_hash = Column(String(200), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    # failed_logins and locked_until are no longer used (login throttling replaced the lock in 0006);
    # the columns stay because SQLite can only drop them by rebuilding a table others point at.
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime)
    last_seen_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    totp_secret = Column(SealedText(255))  # base32 TOTP secret once two-step sign-in is set up, encrypted
    totp_enrolled_at = Column(DateTime)
    totp_last_counter = Column(Integer)  # the last time-step accepted: a code is never accepted twice
    on_call = Column(Boolean, nullable=False, default=False, server_default="0")  # paged for urgent hand-offs
    pager_contact = Column(String(200))  # a mobile number (+44...) or an email address for pages


class StaffSession(Base):
    """A server-side login session; the cookie carries only a random token whose hash is stored."""

    __tablename__ = "staff_sessions"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(128), nullable=False, unique=True)
    staff_id = Column(ForeignKey("staff.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(128), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


class LoginChallenge(Base):
    """A sign-in whose password was right, waiting for the one-time code (or for two-step set-up)."""

    __tablename__ = "staff_login_challenges"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(128), nullable=False, unique=True)
    staff_id = Column(ForeignKey("staff.id", ondelete="CASCADE"), nullable=False, index=True)
    enrol_secret = Column(String(64))  # set while a new authenticator is being set up
    attempts = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


class TrustedDevice(Base):
    """A browser that signed in to an account before: it is not slowed by attacks on that account."""

    __tablename__ = "staff_trusted_devices"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(128), nullable=False, unique=True)
    staff_id = Column(ForeignKey("staff.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_used_at = Column(DateTime, nullable=False, default=utcnow)


class LoginThrottle(Base):
    """Recent failed sign-ins for one client address or one account, and until when the next must wait."""

    __tablename__ = "staff_login_throttle"
    key = Column(String(200), primary_key=True)  # "address:203.0.113.9" or "account:jo.worker"
    failures = Column(Integer, nullable=False, default=0)
    last_failure_at = Column(DateTime, nullable=False)
    wait_until = Column(DateTime, nullable=False)


class ApiToken(Base):
    """A bearer token for the console API: it acts as its owner, limited to its role; only its hash is kept."""

    __tablename__ = "staff_api_tokens"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(128), nullable=False, unique=True)
    prefix = Column(String(16), nullable=False)  # the first characters, so people can tell tokens apart
    staff_id = Column(ForeignKey("staff.id", ondelete="CASCADE"), nullable=False, index=True)
    label = Column(String(80), nullable=False)
    role = Column(String(20), nullable=False)  # see bot.console.api_tokens.TOKEN_ROLES
    created_at = Column(DateTime, nullable=False, default=utcnow)
    created_by = Column(ForeignKey("staff.id", ondelete="SET NULL"))
    last_used_at = Column(DateTime)
    revoked_at = Column(DateTime)
    revoked_by = Column(ForeignKey("staff.id", ondelete="SET NULL"))


class AuditEntry(Base):
    """One staff view or action (who, what, on which conversation, when).

    Repeated reads of one transcript by one person through one route within a few minutes (a page
    polling for new messages) are counted on one entry: `repeats` and `last_at`.
    """

    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    staff_id = Column(ForeignKey("staff.id", ondelete="SET NULL"))
    action = Column(String(60), nullable=False)
    target = Column(String(220))
    detail = Column(JSON, nullable=False, default=dict)
    repeats = Column(Integer, nullable=False, default=0, server_default="0")
    last_at = Column(DateTime)
