"""One-time codes: sent to the registered contact via the outbox; 10 minutes, single use, few tries, keyed-hashed.

Codes are hashed with HMAC-SHA256 under HAVEN_SECRET_KEY, not argon2: a 6-digit code has only a million
values, so a slow hash of it could still be brute-forced from a stolen database in hours, while a keyed
hash cannot be checked at all without the key, which never reaches the database. The hash also binds the
code to its case and to the sender who asked for it, so a code is worthless for any other case or sender.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.models.cases import Case, Victim
from bot.models.verification import VerificationCode
from bot.outbox.store import enqueue
from bot.settings import get_settings
from bot.wording import response_text

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 3
CODES_PER_CASE_PER_HOUR = 3
OUTBOX_ORIGIN = "verification"  # asked for, so never suppressed like a notification
_CODE = re.compile(r"(?<![\d/\-])(?<!\d\.)(\d{3})[ \-]?(\d{3})(?![\d/\-])(?!\.\d)")


def code_message(code: str, channel: str | None) -> str:
    """The one-time code message for the registered contact (domain response utter_contact_code; names nothing)."""
    return response_text("utter_contact_code", channel, slots={"code": code})


def read_code(text: str | None) -> str | None:
    """The 6-digit code in a reply ('123456', '123 456', 'code: 123-456'), or None."""
    match = _CODE.search(text or "")
    return match.group(1) + match.group(2) if match else None


def code_hash(*, code: str, case_id: int, sender_key: str) -> str:
    """HMAC-SHA256 (hex) of the code, bound to its case and sender, keyed with the secret key."""
    message = f"haven-one-time-code:v1|{case_id}|{sender_key}|{code}".encode()
    return hmac.new(get_settings().secret_key.encode(), message, hashlib.sha256).hexdigest()


def _close_open_codes(session: Session, *, case_id: int, sender_key: str, now: datetime) -> None:
    session.execute(
        update(VerificationCode)
        .where(
            VerificationCode.case_id == case_id,
            VerificationCode.sender_key == sender_key,
            VerificationCode.closed_at.is_(None),
        )
        .values(closed_at=now)
        .execution_options(synchronize_session=False)
    )


def issue_code(
    session: Session, *, case: Case, victim: Victim, sender_key: str, knowledge: str, now: datetime
) -> bool:
    """Send a new code to the victim's registered contact, replacing this sender's earlier ones.

    Returns False, sending nothing, when this case already had CODES_PER_CASE_PER_HOUR codes in the last
    hour (so nobody can flood the victim's phone); this sender's open code then stays usable.
    """
    recent = session.scalar(
        select(func.count(VerificationCode.id)).where(
            VerificationCode.case_id == case.id, VerificationCode.created_at > now - timedelta(hours=1)
        )
    )
    if int(recent or 0) >= CODES_PER_CASE_PER_HOUR:
        return False
    _close_open_codes(session, case_id=case.id, sender_key=sender_key, now=now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    session.add(
        VerificationCode(
            case_id=case.id,
            victim_id=victim.id,
            sender_key=sender_key,
            knowledge=knowledge,
            code_hash=code_hash(code=code, case_id=case.id, sender_key=sender_key),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
            attempts=0,
        )
    )
    enqueue(
        session,
        channel=victim.contact_channel,
        recipient=victim.contact_address,
        payload={"text": code_message(code, victim.contact_channel)},
        origin=OUTBOX_ORIGIN,
    )
    session.flush()
    return True


def redeem_code(
    session: Session, *, case_id: int | None, sender_key: str, code: str, now: datetime
) -> VerificationCode | None:
    """The open code of this case and sender if `code` matches it (the code is then used up), else None.

    Every try counts; an expired code, or one tried CODE_MAX_ATTEMPTS times, is closed.
    """
    row = None
    if case_id is not None:
        row = session.scalars(
            select(VerificationCode)
            .where(
                VerificationCode.case_id == case_id,
                VerificationCode.sender_key == sender_key,
                VerificationCode.closed_at.is_(None),
            )
            .order_by(VerificationCode.id.desc())
            .limit(1)
        ).first()
    expected = code_hash(code=code, case_id=case_id or 0, sender_key=sender_key)  # same work either way
    if row is None:
        return None
    if row.expires_at <= now:
        row.closed_at = now
        session.flush()
        return None
    row.attempts += 1
    if hmac.compare_digest(row.code_hash, expected):
        row.closed_at = now
        session.flush()
        return row
    if row.attempts >= CODE_MAX_ATTEMPTS:
        row.closed_at = now
    session.flush()
    return None
