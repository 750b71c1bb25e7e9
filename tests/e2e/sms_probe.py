"""Talk SMS to a running stack as Twilio would, and read its inbox: for fault tests and the inbox benchmark."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import ThreadedTwilio
from tests.e2e.stack import HavenStack
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

WEBHOOK = "/webhooks/twilio_sms/webhook"


def text_in(stack: HavenStack, number: str, body: str, sid: str) -> int:
    """POST a signed Twilio webhook; the HTTP status Twilio would see."""
    params = {"MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": number, "To": FROM_NUMBER, "Body": body}
    url = stack.base_url + WEBHOOK
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(params).encode(), method="POST",
        headers={"X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(url, params),
                 "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def inbox_rows(stack: HavenStack) -> dict[str, tuple[str, int]]:
    """(status, attempts) of every stored inbound message, by provider id."""
    engine = create_engine(stack.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT provider_id, status, attempts FROM inbox")).all()
    finally:
        engine.dispose()
    return {row.provider_id: (row.status, row.attempts) for row in rows}


def inbox_status(stack: HavenStack, sid: str) -> str | None:
    """The status of the stored message `sid` (None when it was never stored)."""
    return inbox_rows(stack).get(sid, (None, 0))[0]


def wait_for(condition, timeout: float, what: str) -> None:
    """Wait until `condition()` is true; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def settled_bodies(twilio: ThreadedTwilio, number: str, at_least: int, quiet: float = 3.0) -> list[str]:
    """The texts sent to `number`, once at least `at_least` arrived and no more came for `quiet` seconds."""
    sent = twilio.messages_to(number, at_least, timeout=90)
    while True:
        more = twilio.messages_to(number, len(sent) + 1, timeout=quiet)
        if len(more) == len(sent):
            return [message["Body"] for message in sent]
        sent = more
