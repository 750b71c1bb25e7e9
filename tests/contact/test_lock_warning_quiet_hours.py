"""A locked reference alerts staff at once, but the victim's neutral warning waits for a time they allow."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.cases.identities import link_verified
from bot.cases.lock_alerts import announce_lock
from bot.cases.lockout import LockState
from bot.contact import preferences
from bot.contact.preferences import Preferences
from bot.contact.timing import parse_window
from bot.models.base import utcnow
from bot.settings import get_settings
from tests.cases.factories import CONTACT_NUMBER, make_case
from tests.contact.factories import alerts, nudges

TUESDAY_23_10 = datetime(2026, 11, 17, 23, 10)  # London is on UTC in November: local time = UTC here
WEDNESDAY_07_00 = datetime(2026, 11, 18, 7, 0)
TUESDAY_10_00 = datetime(2026, 11, 17, 10, 0)
LOCKED = LockState(locked=True, retry_at=None, failures=9, attempts_left=0)


@pytest.fixture
def quiet_22_to_07(monkeypatch):
    monkeypatch.setenv("HAVEN_QUIET_HOURS", "22:00-07:00")
    monkeypatch.delenv("HAVEN_TIMEZONE", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_lock_at_night_alerts_staff_now_and_warns_the_victim_at_seven(session, quiet_22_to_07) -> None:
    make_case(session, reference="SP/20001/26")

    announce_lock(session, reference="SP/20001/26", state=LOCKED, now=TUESDAY_23_10)
    session.commit()

    assert [kind for kind, _ in alerts(session)] == ["verification_locked"]
    [warning] = nudges(session)
    assert (warning.recipient, warning.status) == (CONTACT_NUMBER, "pending")
    assert warning.next_attempt_at == WEDNESDAY_07_00


def test_a_lock_in_the_day_warns_at_once_unless_the_victim_chose_evenings(session, quiet_22_to_07) -> None:
    _case, victim = make_case(session, reference="SP/20001/26")
    link_verified(session, channel="sms", address=CONTACT_NUMBER, victim_id=victim.id)
    make_case(session, reference="SP/20002/26", contact=("sms", "+447700900999"))
    preferences.save(session, victim.id, Preferences(window=parse_window("18:00-21:00")), updated_by="victim")
    session.commit()
    queued_from = utcnow()

    announce_lock(session, reference="SP/20002/26", state=LOCKED, now=TUESDAY_10_00)
    announce_lock(session, reference="SP/20001/26", state=LOCKED, now=TUESDAY_10_00)
    session.commit()

    no_window, evenings_only = nudges(session)
    assert queued_from <= no_window.next_attempt_at <= utcnow()  # due as soon as it was queued
    assert evenings_only.next_attempt_at == datetime(2026, 11, 17, 18, 0)
