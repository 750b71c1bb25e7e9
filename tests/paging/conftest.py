"""Paging fixtures: a local SMTP server, the fake Twilio API behind the SMS sender, and on-call staff."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.outbox.senders import unregister_sender
from bot.paging.roster import set_pager
from bot.settings import get_settings
from bot.worker.channels import register_senders
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilioApi
from tests.handoff.factories import make_staff
from tests.paging.smtp_server import LoopbackSmtpServer

PUBLIC_URL = "https://haven.example.org"
WORKER_PHONE = "+447700900555"
SUPERVISOR_EMAIL = "duty.supervisor@haven.example.org"


@pytest.fixture
def smtp_server(db_url, monkeypatch) -> Iterator[LoopbackSmtpServer]:
    """A real SMTP server the settings point at (plain SMTP on loopback: no STARTTLS, no login)."""
    server = LoopbackSmtpServer()
    server.start()
    monkeypatch.setenv("HAVEN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HAVEN_SMTP_PORT", str(server.port))
    monkeypatch.setenv("HAVEN_SMTP_FROM", "pager@haven.example.org")
    monkeypatch.setenv("HAVEN_SMTP_STARTTLS", "0")
    monkeypatch.setenv("HAVEN_PUBLIC_BASE_URL", PUBLIC_URL)
    get_settings.cache_clear()
    yield server
    server.stop()


@pytest.fixture
async def twilio(db_url, monkeypatch) -> AsyncIterator[FakeTwilioApi]:
    """The fake Twilio API, with the outbox's SMS sender registered against it (as the worker does)."""
    fake = FakeTwilioApi()
    await fake.start()
    for name, value in (("TWILIO_ACCOUNT_SID", ACCOUNT_SID), ("TWILIO_AUTH_TOKEN", AUTH_TOKEN),
                        ("TWILIO_FROM_NUMBER", FROM_NUMBER), ("TWILIO_API_BASE_URL", fake.base_url)):  # fmt: skip
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    assert register_senders(get_settings(), ["sms"]) == ["sms"]
    yield fake
    unregister_sender("sms")
    await fake.stop()


@pytest.fixture
def on_call_staff(session):
    """An on-call worker paged by SMS and an on-call supervisor paged by email (and an off-call worker)."""
    worker = set_pager(make_staff(session, "jo.worker"), contact=WORKER_PHONE, on_call=True)
    supervisor = set_pager(make_staff(session, "sam.super", role="supervisor"), contact=SUPERVISOR_EMAIL, on_call=True)
    set_pager(make_staff(session, "off.worker"), contact="+447700900999", on_call=False)
    session.commit()
    return worker, supervisor
