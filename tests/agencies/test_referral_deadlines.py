"""An agency sees the day to answer each referral by (the Victims' Code 2 working days) and which are overdue;
an acceptance message queued in quiet hours waits for the morning."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.agencies.referrals import decide, referrals_for
from bot.console.staff_store import find_staff
from bot.models.base import utcnow
from bot.models.messaging import OutboxMessage
from tests.agencies.factories import make_agency, make_agency_user, make_referral
from tests.console.conftest import console, http, log_in  # noqa: F401  (fixtures)

WEDNESDAY_BEFORE_CHRISTMAS = datetime(2026, 12, 23, 10, 0)
TUESDAY_AFTER_BOXING_DAY = date(2026, 12, 29)  # Thu 24 counts; Fri 25, the weekend and Mon 28 (Boxing Day) do not


def an_agency(session) -> int:
    make_agency(session, "southmoor-ida", "Southmoor Independent Domestic Abuse Service")
    make_agency_user(session, "ida.desk", "southmoor-ida")
    return find_staff(session, username="ida.desk").id


def referral_made_at(session, sender_id: str, when: datetime, first_name: str | None = None):
    referral = make_referral(session, "southmoor-ida", sender_id, first_name=first_name)
    referral.created_at = referral.consent_given_at = when
    session.commit()
    return referral


def test_the_deadline_skips_christmas_and_boxing_day(session):
    staff_id = an_agency(session)
    referral = referral_made_at(session, "sms:+447700900555", WEDNESDAY_BEFORE_CHRISTMAS)
    on_the_day = datetime(2026, 12, 29, 17, 0)
    [card] = referrals_for(session, agency_id=referral.agency_id, staff_id=staff_id, now=on_the_day)
    assert (card.respond_by, card.respond_by_text, card.overdue) == (
        TUESDAY_AFTER_BOXING_DAY, "Tuesday 29 December", False)
    next_morning = on_the_day + timedelta(hours=7)
    [card] = referrals_for(session, agency_id=referral.agency_id, staff_id=staff_id, now=next_morning)
    assert card.overdue is True


def test_an_answered_referral_has_no_deadline(session):
    staff_id = an_agency(session)
    referral = referral_made_at(session, "sms:+447700900555", WEDNESDAY_BEFORE_CHRISTMAS)
    decide(session, agency_id=referral.agency_id, staff_id=staff_id, referral_id=referral.id, decision="declined",
           note="")
    [card] = referrals_for(session, agency_id=referral.agency_id, staff_id=staff_id, now=datetime(2027, 1, 5))
    assert (card.respond_by, card.overdue) == (None, False)


async def test_the_page_says_respond_by_and_marks_overdue_ones_in_words(console, http, session):  # noqa: F811
    an_agency(session)
    referral_made_at(session, "sms:+447700900555", utcnow() - timedelta(days=10), first_name="Sam")
    referral_made_at(session, "telegram:81234567", utcnow(), first_name="Alex")
    await log_in(http, console.base_url, "ida.desk")
    async with http.get(f"{console.base_url}/console/referrals") as response:
        html = await response.text()
    assert response.status == 200
    assert "1 referral is overdue: please answer it first." in html
    newest, oldest = html.split('id="referral-')[1:3]  # newest first: Alex, then Sam
    assert "Alex" in newest and "Overdue" not in newest and "Respond by " in newest
    assert "Sam" in oldest and "Overdue" in oldest and "Was due by " in oldest


def test_an_acceptance_in_quiet_hours_waits_for_their_end(session, monkeypatch):
    from bot.settings import get_settings

    now = utcnow().replace(second=0, microsecond=0)
    quiet_from, quiet_to = now - timedelta(hours=1), now + timedelta(hours=2)  # the real clock is inside them
    monkeypatch.setenv("HAVEN_QUIET_HOURS", f"{quiet_from:%H:%M}-{quiet_to:%H:%M}")
    monkeypatch.setenv("HAVEN_TIMEZONE", "UTC")
    get_settings.cache_clear()
    staff_id = an_agency(session)
    referral = referral_made_at(session, "sms:+447700900555", WEDNESDAY_BEFORE_CHRISTMAS)
    told = decide(session, agency_id=referral.agency_id, staff_id=staff_id, referral_id=referral.id,
                  decision="accepted", note="")
    session.commit()
    get_settings.cache_clear()
    [row] = session.scalars(select(OutboxMessage)).all()
    assert (told, row.origin, row.status, row.next_attempt_at) == (True, "notification", "pending", quiet_to)
