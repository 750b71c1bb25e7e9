"""End to end over SMS: a person checks who they are, sets "not at weekends" and a time of day, and staff see it."""

from __future__ import annotations

import time
import uuid

import aiohttp
import pytest
from sqlalchemy import select

from bot.contact import preferences
from bot.contact.models import ContactPreference
from bot.contact.timing import parse_window
from bot.db import build_engine, session_scope
from bot.handoff.queue import active_handoff
from bot.models.cases import Case
from tests.console.conftest import log_in
from tests.e2e.stack import E2E_WORKER
from tests.e2e.test_channels import post_sms

pytestmark = pytest.mark.slow
E2E_PASSWORD = "correct horse battery staple"  # tests/e2e/stack.py adds the worker with it
SETTER = ("SP/10017/26", "471774", "+447700900117")  # data/sample/cases.yml: no other test uses these cases
AT_RISK = ("SP/10009/26", "268495", "+447700900109")


class Conversation:
    """One SMS conversation with the running stack: each message waits for the replies it should get."""

    def __init__(self, haven, twilio, number: str) -> None:
        self.haven, self.twilio, self.number, self.seen = haven, twilio, number, 0

    def say(self, body: str, replies: int) -> str:
        assert post_sms(self.haven, self.number, body) == 200
        received = self.twilio.messages_to(self.number, self.seen + replies)
        got = [message["Body"] for message in received[self.seen:]]
        self.seen = len(received)
        assert len(got) >= replies, (body, got)
        return "\n".join(got)


def database(haven):
    return session_scope(build_engine(haven.env["DATABASE_URL"]))


def stored_for(haven, reference: str) -> tuple[preferences.Preferences, str | None]:
    with database(haven) as session:
        victim_id = session.scalars(select(Case).where(Case.reference == reference)).one().victims[0].id
        row = session.get(ContactPreference, victim_id)
        return preferences.load(session, victim_id), row.updated_by if row else None


def handoff_id(haven, sender_id: str, polls: int = 80) -> int:
    """The conversation's open hand-off (polled a bounded number of times)."""
    for _ in range(polls):
        with database(haven) as session:
            found = active_handoff(session, sender_id=sender_id)
            if found is not None:
                return found.id
        time.sleep(0.25)
    raise AssertionError(f"no hand-off for {sender_id}")


def verify(chat: Conversation, reference: str, pin: str, opening: str, replies: int) -> str:
    """Ask about preferences, then pass the check from the registered number; the `replies` after the PIN."""
    asked = chat.say(opening, 2)
    assert "need to check it's you" in asked and "crime reference" in asked
    assert "PIN" in chat.say(reference, 1)
    return chat.say(pin, replies)


async def test_verified_person_sets_weekends_and_times_and_staff_see_them(haven, twilio):
    reference, pin, number = SETTER
    chat = Conversation(haven, twilio, number)
    after_check = verify(chat, reference, pin, "don't text me at weekends", 2)
    assert "Saved. We may now message you by text or Telegram, at any time of day, on weekdays only." in after_check
    assert "What would you like to change?" in after_check and "2 for When we message you" in after_check
    assert "What times of day suit you?" in chat.say("2", 1)
    saved = chat.say("3", 2)  # Evenings (17:00-21:00)
    assert "only between 17:00 and 21:00, on weekdays only" in saved
    assert "change how you contact me" in chat.say("5", 2)  # nothing else

    wanted = preferences.Preferences(window=parse_window("17:00-21:00"), no_weekends=True)
    assert stored_for(haven, reference) == (wanted, "victim")

    chat.say("talk to a person", 1)
    conversation = handoff_id(haven, f"sms:{number}")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        signed_in = await log_in(http, haven.base_url, E2E_WORKER, E2E_PASSWORD)
        assert signed_in.status == 303
        async with http.get(f"{haven.base_url}/console/conversations/{conversation}/contact") as page:
            html = await page.text()
    assert page.status == 200 and 'value="17:00-21:00"' in html
    assert 'name="no_weekends" value="yes" checked' in html and 'name="ask_first" value="yes" checked' not in html


def test_an_unverified_sender_learns_nothing_about_the_preferences(haven, twilio):
    reference, _pin, _number = AT_RISK
    set_by_staff = preferences.Preferences(channels=("telegram",), window=parse_window("18:30-20:00"), ask_first=True)
    with database(haven) as session:
        victim_id = session.scalars(select(Case).where(Case.reference == reference)).one().victims[0].id
        preferences.save(session, victim_id, set_by_staff, updated_by="staff:1")
    stranger = Conversation(haven, twilio, f"+447700{uuid.uuid4().int % 900000 + 100000}")
    replies = stranger.say("how do you contact me", 2) + stranger.say("change how you contact me", 1)
    assert "need to check it's you" in replies
    for detail in ("Telegram", "18:30", "20:00", "weekday", "check with you first", "At the moment"):
        assert detail not in replies
    assert stored_for(haven, reference) == (set_by_staff, "staff:1")


def test_a_risk_message_in_the_middle_goes_to_a_person(haven, twilio):
    reference, pin, number = AT_RISK
    chat = Conversation(haven, twilio, number)
    menu = verify(chat, reference, pin, "how do you contact me", 1)
    assert "At the moment we may message you" in menu
    advice = chat.say("he's outside my door with a knife and says he'll kill me", 1)
    assert "999" in advice.split(".")[0] or advice.startswith("If you are in danger")
    assert handoff_id(haven, f"sms:{number}") > 0
