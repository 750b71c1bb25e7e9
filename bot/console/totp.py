"""TOTP two-step sign-in for staff (RFC 6238, pyotp): who needs it, set-up secrets, and code checks."""

from __future__ import annotations

import hmac
from datetime import datetime, timezone

import pyotp
import segno

from bot.models.staff import Staff
from bot.settings import get_settings

ISSUER = "Haven gateway"
CODE_DIGITS = 6


def required_for(staff: Staff) -> bool:
    """Supervisors always need a second step; workers when HAVEN_TOTP_WORKERS is "required" (the default)."""
    return staff.role == "supervisor" or get_settings().totp_workers == "required"


def is_enrolled(staff: Staff) -> bool:
    return bool(staff.totp_secret)


def new_secret() -> str:
    """A fresh random base32 secret (160 bits)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, *, username: str) -> str:
    """The otpauth:// URI an authenticator app reads (from the QR code or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The URI as a QR code, an SVG data: URI for an <img> (the console's CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type: 'JBSW Y3DP ...'."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _counter_for(secret: str, code: str, *, now: datetime, after: int | None) -> int | None:
    """The time-step whose code `code` is (this one or either neighbour), if later than `after`."""
    digits = "".join(ch for ch in code if ch.isdigit())
    if len(digits) != CODE_DIGITS:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now.replace(tzinfo=timezone.utc))  # naive times are UTC throughout Haven
    for counter in (current - 1, current, current + 1):
        if after is not None and counter <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(counter), digits):
            return counter
    return None


def check_code(staff: Staff, code: str, *, now: datetime) -> bool:
    """True for a right, unused code of the staff member's authenticator; remembers it so it can't be reused."""
    if not staff.totp_secret:
        return False
    counter = _counter_for(staff.totp_secret, code, now=now, after=staff.totp_last_counter)
    if counter is None:
        return False
    staff.totp_last_counter = counter
    return True


def enrol(staff: Staff, secret: str, code: str, *, now: datetime) -> bool:
    """Set up two-step sign-in with `secret` once a code from the new authenticator proves it works."""
    counter = _counter_for(secret, code, now=now, after=None)
    if counter is None:
        return False
    staff.totp_secret, staff.totp_enrolled_at, staff.totp_last_counter = secret, now, counter
    return True


def enrol_without_check(staff: Staff, secret: str, *, now: datetime) -> None:
    """Set up two-step sign-in from the command line, where the secret is shown to whoever set up the account."""
    staff.totp_secret, staff.totp_enrolled_at, staff.totp_last_counter = secret, now, None


def reset(staff: Staff) -> None:
    """Forget the authenticator (a lost phone): the next sign-in sets up a new one."""
    staff.totp_secret = staff.totp_enrolled_at = staff.totp_last_counter = None
