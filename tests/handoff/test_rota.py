"""Who is on duty (console presence or opening hours) and the expected wait."""

from datetime import datetime, timedelta, timezone

import pytest

from bot.handoff import rota
from bot.handoff.queue import claim
from bot.models.base import utcnow
from bot.settings import get_settings
from tests.handoff.factories import make_handoff, make_staff

# Tuesday 24 November 2026 (GMT, so London time equals UTC); Sunday 29 November.
TUESDAY_NOON = datetime(2026, 11, 24, 12, 0)
TUESDAY_NIGHT = datetime(2026, 11, 24, 22, 30)
SUNDAY_NOON = datetime(2026, 11, 29, 12, 0)
SATURDAY_SUMMER_0830_UTC = datetime(2026, 7, 4, 8, 30)  # 09:30 BST: open on Saturdays from 09:00


def test_parses_the_published_hours():
    hours = rota.parse_gateway_hours("Mon-Fri 08:00-20:00, Sat 09:00-17:00")
    assert list(hours) == ["mon", "tue", "wed", "thu", "fri", "sat"]
    assert hours["sat"] == [["09:00", "17:00"]]  # the directory's opening-hours model


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (TUESDAY_NOON, True),
        (TUESDAY_NIGHT, False),
        (SUNDAY_NOON, False),
        (SATURDAY_SUMMER_0830_UTC, True),
    ],
)
def test_on_duty_within_opening_hours_in_london_time(session, now, expected):
    assert rota.staff_on_duty(session, now) is expected


def test_aware_times_are_accepted(session):
    assert rota.staff_on_duty(session, TUESDAY_NOON.replace(tzinfo=timezone.utc)) is True


def test_someone_in_the_console_in_the_last_five_minutes_is_on_duty_out_of_hours(session):
    staff = make_staff(session)
    staff.last_seen_at = TUESDAY_NIGHT - timedelta(minutes=4)
    session.commit()
    assert rota.staff_on_duty(session, TUESDAY_NIGHT) is True
    assert rota.staff_on_duty(session, TUESDAY_NIGHT + timedelta(minutes=2)) is False


def test_bad_hours_are_refused(monkeypatch):
    monkeypatch.setenv("HAVEN_GATEWAY_HOURS", "Weekdays 9-5")
    get_settings.cache_clear()
    with pytest.raises(rota.SettingsError):
        rota.within_gateway_hours(TUESDAY_NOON)
    get_settings.cache_clear()


def test_expected_wait_is_unknown_without_recent_claims(session):
    make_handoff(session)
    assert rota.expected_wait_minutes(session) is None


def test_expected_wait_grows_with_the_queue(session):
    staff = make_staff(session)
    done = make_handoff(session, "sms:+447700900010", created_at=utcnow() - timedelta(minutes=10))
    claim(session, handoff_id=done.id, staff=staff, now=done.created_at + timedelta(minutes=4))
    session.commit()
    make_handoff(session, "sms:+447700900011")
    assert rota.expected_wait_minutes(session) == 4
    make_handoff(session, "sms:+447700900012")
    assert rota.expected_wait_minutes(session) == 8
