"""Outcome recording rides out a short database outage, but never past the lease it records under."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

from bot.models.base import utcnow
from bot.outbox.claims import ClaimedMessage
from bot.outbox.outcomes import describe_error, while_leased
from bot.outbox.senders import PermanentDeliveryError


def claim_leased_for(seconds: float) -> ClaimedMessage:
    return ClaimedMessage(1, "sms", "+447700900001", {"text": "x"}, 1, "token", utcnow() + timedelta(seconds=seconds))


def test_a_short_outage_is_retried_until_the_outcome_is_stored(engine) -> None:
    calls: list[int] = []

    def record(_session, _message) -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("UPDATE outbox", {}, ConnectionError("database restarting"))
        return "recorded"

    assert while_leased(record, claim_leased_for(30), engine) == "recorded"
    assert len(calls) == 3


def test_an_outage_longer_than_the_lease_gives_up_when_the_lease_ends(engine) -> None:
    def record(_session, _message) -> str:
        raise OperationalError("UPDATE outbox", {}, ConnectionError("database down"))

    started = time.monotonic()
    with pytest.raises(OperationalError):
        while_leased(record, claim_leased_for(0.5), engine)
    assert time.monotonic() - started < 5  # the message is another worker's to retry by then


def test_stored_errors_hold_codes_never_provider_text() -> None:
    class TwilioError(Exception):
        status, code = 500, 20500

    assert describe_error(TwilioError("body: he's here")) == "TwilioError status 500 code 20500"
    assert describe_error(PermanentDeliveryError("Twilio refused (HTTP 400)")) == "permanent: Twilio refused (HTTP 400)"
