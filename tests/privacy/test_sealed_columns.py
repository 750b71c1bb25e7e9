"""What Haven is about to say (case details, one-time codes) and staff TOTP secrets are encrypted at rest."""

from __future__ import annotations

import json

import pyotp
from sqlalchemy import select, text

from bot.console import totp
from bot.models import OutboxMessage, Staff
from bot.outbox.store import enqueue
from bot.privacy.rotation import rotate_sealed_columns
from tests.handoff.factories import make_staff

CODE_MESSAGE = {"text": "Your Haven code is 482913. It works for 10 minutes."}


def _raw(session, query: str) -> list:
    return [row[0] for row in session.execute(text(query))]


def test_an_outbox_message_is_unreadable_in_the_database_but_read_back_whole(session) -> None:
    enqueue(session, channel="sms", recipient="+447700900123", payload=CODE_MESSAGE, origin="verification")
    session.commit()
    [stored] = _raw(session, "SELECT payload FROM outbox")
    assert "482913" not in str(stored) and "sealed" in str(stored)
    session.expire_all()
    assert session.scalars(select(OutboxMessage.payload)).one() == CODE_MESSAGE


def test_a_totp_secret_is_encrypted_and_still_checks_codes(session) -> None:
    staff = make_staff(session)
    secret = pyotp.random_base32()
    staff.totp_secret = secret
    session.commit()
    [stored] = _raw(session, "SELECT totp_secret FROM staff")
    assert secret not in stored and stored.startswith("gAAAAA")
    session.expire_all()
    reloaded = session.get(Staff, staff.id)
    assert reloaded.totp_secret == secret and totp.is_enrolled(reloaded)


def test_rows_written_before_encryption_are_read_and_then_sealed_by_key_rotation(session) -> None:
    session.execute(
        text("INSERT INTO outbox (channel, recipient, payload, origin, status, attempts, next_attempt_at, created_at,"
             " idempotency_key) VALUES ('sms', '+44', :payload, 'bot', 'sent', 1, CURRENT_TIMESTAMP,"
             " CURRENT_TIMESTAMP, 'legacy:1#0')"),
        {"payload": json.dumps(CODE_MESSAGE)},
    )
    session.commit()
    assert session.scalars(select(OutboxMessage.payload)).one() == CODE_MESSAGE  # legacy plain row still read
    assert rotate_sealed_columns() == 1
    [stored] = _raw(session, "SELECT payload FROM outbox")
    assert "482913" not in str(stored)
    session.expire_all()
    assert session.scalars(select(OutboxMessage.payload)).one() == CODE_MESSAGE
