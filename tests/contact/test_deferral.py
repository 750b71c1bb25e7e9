"""Nudges wait in the outbox for a time the victim allows (quiet hours, their window, weekends); none is dropped."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.cases.identities import opt_out
from bot.contact import preferences
from bot.contact.models import ContactNudge
from bot.contact.preferences import Preferences
from bot.contact.timing import parse_window
from bot.notify import queue_case_notifications
from bot.outbox.claims import claim_due
from tests.contact.factories import NUMBER, REFERENCE, alerts, nudges, victim_with_an_update

FRIDAY_23_00 = datetime(2026, 11, 20, 23, 0)  # London is on UTC in November: local time = UTC here
SATURDAY_08_00 = datetime(2026, 11, 21, 8, 0)
SATURDAY_11_00 = datetime(2026, 11, 21, 11, 0)
MONDAY_08_00 = datetime(2026, 11, 23, 8, 0)


def test_a_nudge_at_23_00_waits_until_08_00(session, default_quiet_hours):
    victim_with_an_update(session)
    assert queue_case_notifications(session, now=FRIDAY_23_00) == 1
    session.commit()
    [nudge] = nudges(session)
    assert (nudge.recipient, nudge.status, nudge.next_attempt_at) == (NUMBER, "pending", SATURDAY_08_00)
    assert claim_due(session, channels=["sms"], now=datetime(2026, 11, 21, 7, 59)) == []
    assert [claim.id for claim in claim_due(session, channels=["sms"], now=SATURDAY_08_00)] == [nudge.id]


def test_not_at_weekends_moves_a_saturday_nudge_to_monday(session, default_quiet_hours):
    victim = victim_with_an_update(session)
    preferences.save(session, victim, Preferences(no_weekends=True), updated_by="test")
    queue_case_notifications(session, now=SATURDAY_11_00)
    session.commit()
    assert [nudge.next_attempt_at for nudge in nudges(session)] == [MONDAY_08_00]


def test_a_morning_nudge_waits_for_the_evening_window(session, default_quiet_hours):
    victim = victim_with_an_update(session)
    preferences.save(session, victim, Preferences(window=parse_window("18:00-20:30")), updated_by="test")
    queue_case_notifications(session, now=datetime(2026, 11, 17, 10, 0))
    assert [nudge.next_attempt_at for nudge in nudges(session)] == [datetime(2026, 11, 17, 18, 0)]


def test_a_window_inside_quiet_hours_never_opens_so_staff_get_a_task(session, default_quiet_hours):
    victim = victim_with_an_update(session)
    preferences.save(session, victim, Preferences(window=parse_window("22:00-23:00")), updated_by="test")
    assert queue_case_notifications(session, now=FRIDAY_23_00) == 0
    assert nudges(session) == []
    assert alerts(session) == [("contact_failed", {"case": REFERENCE, "reason": "no permitted time"})]


def test_opted_out_gets_nothing_not_even_a_staff_task(session, default_quiet_hours):
    victim_with_an_update(session)
    opt_out(session, channel="sms", address=NUMBER)
    assert queue_case_notifications(session, now=SATURDAY_11_00) == 0
    assert (nudges(session), alerts(session)) == ([], [])


def test_opting_out_while_a_nudge_waits_withdraws_it(session, default_quiet_hours):
    victim_with_an_update(session)
    queue_case_notifications(session, now=FRIDAY_23_00)
    opt_out(session, channel="sms", address=NUMBER)
    queue_case_notifications(session, now=datetime(2026, 11, 21, 7, 0))
    session.commit()
    assert [nudge.status for nudge in nudges(session)] == ["suppressed"]
    assert claim_due(session, channels=["sms"], now=SATURDAY_08_00) == []
    assert alerts(session) == []


def test_ask_before_texting_sends_nothing_and_asks_staff_once(session, default_quiet_hours):
    victim = victim_with_an_update(session)
    preferences.save(session, victim, Preferences(ask_first=True), updated_by="test")
    assert queue_case_notifications(session, now=SATURDAY_11_00) == 0
    queue_case_notifications(session, now=SATURDAY_11_00)
    assert nudges(session) == []
    assert alerts(session) == [("contact_ask_first", {"case": REFERENCE, "reason": "ask them before any message"})]


def test_repeated_rounds_queue_one_nudge_per_update(session, default_quiet_hours):
    victim_with_an_update(session, telegram=True)
    for _ in range(3):
        queue_case_notifications(session, now=SATURDAY_11_00)
    assert [nudge.channel for nudge in nudges(session)] == ["sms"]  # one channel at a time, the preferred first


def test_a_delivered_nudge_is_settled_and_no_longer_watched(session, default_quiet_hours):
    victim_with_an_update(session)
    queue_case_notifications(session, now=SATURDAY_11_00)
    [row] = nudges(session)
    row.status, row.delivery_status = "sent", "delivered"  # the worker sent it; Twilio confirmed delivery
    session.commit()
    queue_case_notifications(session, now=SATURDAY_11_00)
    session.commit()
    [tried] = session.scalars(select(ContactNudge)).all()
    assert tried.status == "delivered"
    assert [nudge.channel for nudge in nudges(session)] == ["sms"]  # nothing more was sent
