"""One-time codes as the victim meets them: a newer code voids older ones, three tries each, a per-case hourly cap."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cases.grants import granted_victim
from bot.cases.one_time_codes import read_code
from bot.cases.verification import CODE_NOT_RESENT, CODE_SENT, GRANTED, WRONG, check_code
from bot.models.messaging import OutboxMessage
from bot.models.verification import VerificationCode
from bot.settings import get_settings
from tests.cases.factories import CONTACT_NUMBER, make_case
from tests.cases.test_one_time_codes import LATER, NOW, OTHER_REF, REF, RIGHT, WEB  # noqa: F401 (one scenario)
from tests.cases.test_one_time_codes import _knowledge as _knowledge_outcome


def _knowledge(session, reference=REF, sender=WEB, now=NOW):
    return _knowledge_outcome(session, reference=reference, sender=sender, now=now).status


def _code(session, code, reference=REF, sender=WEB, now=NOW + timedelta(minutes=1)):
    outcome = check_code(session, reference=reference, sender_key=sender, code=code, now=now)
    session.commit()
    return outcome.status


def _sent_codes(session, recipient=CONTACT_NUMBER):
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == recipient).order_by(OutboxMessage.id)
    ).all()
    return [read_code(row.payload["text"]) for row in rows]


def _wrong(code):
    return "000000" if code != "000000" else "111111"


@pytest.fixture
def case(session):
    return make_case(session, reference=REF)


@pytest.fixture
def many_failures_allowed(db_url, monkeypatch):
    monkeypatch.setenv("HAVEN_VERIFY_MAX_FAILURES", "10")
    get_settings.cache_clear()


def test_an_earlier_code_stays_void_after_the_newer_one_is_used(session, case):
    _knowledge(session)
    _knowledge(session, now=NOW + LATER)  # asked again: a second code replaces the first
    first, second = _sent_codes(session)
    assert _code(session, second, now=NOW + 2 * LATER) == GRANTED
    assert _code(session, first, now=NOW + 3 * LATER) == WRONG


def test_the_time_a_code_was_used_stays_on_record_when_another_is_sent(session, case):
    _knowledge(session)
    (code,) = _sent_codes(session)
    used_at = NOW + timedelta(minutes=1)
    assert _code(session, code, now=used_at) == GRANTED
    _knowledge(session, now=NOW + timedelta(hours=2))
    closed = session.scalars(select(VerificationCode.closed_at).order_by(VerificationCode.id)).all()
    assert closed == [used_at, None]


def test_each_code_allows_three_tries(session, case, many_failures_allowed):
    _knowledge(session)
    (code,) = _sent_codes(session)
    assert [_code(session, _wrong(code), now=NOW + i * LATER) for i in (1, 2)] == [WRONG, WRONG]
    assert _code(session, code, now=NOW + 3 * LATER) == GRANTED


def test_the_hourly_cap_counts_only_codes_for_this_case(session, case):
    make_case(session, reference=OTHER_REF, first_name="Sam", contact=("sms", "+447700900556"))
    for i in range(3):
        assert _knowledge(session, reference=OTHER_REF, sender=f"webchat:o{i}", now=NOW + i * LATER) == CODE_SENT
    assert _knowledge(session, now=NOW + 3 * LATER) == CODE_SENT
    assert len(_sent_codes(session)) == 1


def test_a_code_sent_exactly_an_hour_ago_no_longer_counts_towards_the_cap(session, case):
    for i in range(3):
        assert _knowledge(session, sender=f"webchat:s{i}", now=NOW + i * LATER) == CODE_SENT
    assert _knowledge(session, sender="webchat:s8", now=NOW + timedelta(minutes=59)) == CODE_NOT_RESENT
    assert _knowledge(session, sender="webchat:s9", now=NOW + timedelta(hours=1)) == CODE_SENT


def test_codes_are_drawn_from_the_whole_million(session, case):
    for i in range(3):
        _knowledge(session, sender=f"webchat:s{i}", now=NOW + i * LATER)
    codes = _sent_codes(session)
    # all three below 1,000 by chance: one in a billion
    assert len(codes) == 3 and any(int(code) >= 1000 for code in codes)


def test_after_the_right_code_the_update_is_open_for_an_hour_from_that_moment(session, case):
    _knowledge(session)
    (code,) = _sent_codes(session)
    used_at = NOW + timedelta(minutes=1)
    assert _code(session, code, now=used_at) == GRANTED
    assert granted_victim(session, reference=REF, sender_key=WEB, now=used_at) == case
    assert granted_victim(session, reference=REF, sender_key=WEB, now=used_at + timedelta(minutes=59)) == case
    assert granted_victim(session, reference=REF, sender_key=WEB, now=used_at + timedelta(minutes=60)) is None


def test_verifying_by_code_again_and_again_never_locks_the_victim_out(session, case, monkeypatch):
    monkeypatch.setenv("HAVEN_VERIFY_SENDER_MAX_FAILURES", "2")
    get_settings.cache_clear()
    for hour in range(4):
        start = NOW + timedelta(hours=hour)
        assert _knowledge(session, now=start) == CODE_SENT
        assert _code(session, _sent_codes(session)[-1], now=start + timedelta(minutes=1)) == GRANTED
