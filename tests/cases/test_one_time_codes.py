"""Possession step: codes go to the registered contact, are stored keyed-hashed, work once, briefly, for one case."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import inspect, select

from bot.cases.answers import VerificationAnswer
from bot.cases.one_time_codes import CODE_MAX_ATTEMPTS, code_message, read_code
from bot.cases.verification import (
    CODE_NOT_RESENT,
    CODE_SENT,
    GRANTED,
    LOCKED,
    NO_CODE_ROUTE,
    WRONG,
    check_code,
    check_knowledge,
)
from bot.models.messaging import OutboxMessage
from bot.models.verification import DisclosureGrant, VerificationCode
from bot.settings import get_settings
from tests.cases.factories import CONTACT_NUMBER, make_case

NOW = datetime(2026, 11, 24, 12, 0)
REF, OTHER_REF = "SP/20001/26", "SP/20002/26"
WEB = "webchat:3f9a2c"
RIGHT = VerificationAnswer(dob=date(1980, 2, 1), postcode="SX12AB")
LATER = timedelta(minutes=2)


def _knowledge(session, reference=REF, sender=WEB, now=NOW):
    outcome = check_knowledge(session, reference=reference, sender_key=sender, answer=RIGHT, now=now)
    session.commit()
    return outcome


def _code(session, code, reference=REF, sender=WEB, now=NOW + timedelta(minutes=1)):
    outcome = check_code(session, reference=reference, sender_key=sender, code=code, now=now)
    session.commit()
    return outcome


def _sent_codes(session, recipient=CONTACT_NUMBER):
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == recipient).order_by(OutboxMessage.id)
    ).all()
    return [read_code(row.payload["text"]) for row in rows]


@pytest.fixture
def case(session):
    return make_case(session, reference=REF)


def test_the_code_goes_to_the_registered_contact_through_the_outbox(session, case):
    assert _knowledge(session).status == CODE_SENT
    row = session.scalars(select(OutboxMessage)).one()
    (code,) = _sent_codes(session)
    assert (row.channel, row.recipient, row.origin, row.status) == ("sms", CONTACT_NUMBER, "verification", "pending")
    assert row.payload == {"text": code_message(code, "sms")} and len(code) == 6
    assert row.payload["text"].startswith(f"Your code is {code}. It works once, for 10 minutes.")


def test_a_telegram_contact_gets_the_code_in_its_chat(session):
    make_case(session, reference=REF, contact=("telegram", "424242"))
    _knowledge(session)
    row = session.scalars(select(OutboxMessage)).one()
    assert (row.channel, row.recipient) == ("telegram", "424242")


def test_the_code_is_stored_only_as_a_keyed_hash(session, case):
    _knowledge(session)
    (code,) = _sent_codes(session)
    stored = session.scalars(select(VerificationCode)).one()
    columns = [getattr(stored, column.key) for column in inspect(VerificationCode).columns]
    assert not any(code in str(value) for value in columns)
    assert len(stored.code_hash) == 64 and stored.expires_at == NOW + timedelta(minutes=10)


def test_the_right_code_from_the_same_sender_grants_both_factors(session, case):
    _knowledge(session)
    (code,) = _sent_codes(session)
    outcome = _code(session, code)
    assert (outcome.status, outcome.case_id, outcome.victim_id) == (GRANTED, case[0].id, case[1].id)
    grant = session.scalars(select(DisclosureGrant)).one()
    assert (grant.sender_key, grant.knowledge, grant.possession) == (WEB, "dob_postcode", "one_time_code")


@pytest.mark.parametrize("typed", ["{code}", "my code is {spaced}", "{dashed} thanks"])
def test_the_code_is_read_however_it_is_typed(session, case, typed):
    _knowledge(session)
    (code,) = _sent_codes(session)
    text = typed.format(code=code, spaced=f"{code[:3]} {code[3:]}", dashed=f"{code[:3]}-{code[3:]}")
    assert _code(session, read_code(text)).verified


def test_a_code_works_once(session, case):
    _knowledge(session)
    (code,) = _sent_codes(session)
    assert _code(session, code).verified
    assert _code(session, code, now=NOW + LATER).status == WRONG


def test_an_expired_code_reads_exactly_like_a_wrong_one(session, case):
    _knowledge(session)
    (code,) = _sent_codes(session)
    expired = _code(session, code, now=NOW + timedelta(minutes=10))
    wrong = _code(session, "000000" if code != "000000" else "111111", now=NOW + timedelta(minutes=20))
    assert expired.status == wrong.status == WRONG
    assert (expired.case_id, expired.victim_id) == (wrong.case_id, wrong.victim_id) == (None, None)
    assert session.scalars(select(DisclosureGrant)).all() == []


def test_a_code_for_another_case_does_not_open_this_one(session, case):
    make_case(session, reference=OTHER_REF, first_name="Sam", contact=("sms", "+447700900556"))
    _knowledge(session, reference=OTHER_REF)
    (other_code,) = _sent_codes(session, recipient="+447700900556")
    _knowledge(session, reference=REF)
    assert _code(session, other_code, reference=REF).status == WRONG


def test_a_code_asked_for_by_one_sender_is_useless_to_another(session, case):
    _knowledge(session, sender=WEB)
    (code,) = _sent_codes(session)
    assert _code(session, code, sender="webchat:someone-else").status == WRONG
    assert _code(session, code, sender=WEB, now=NOW + LATER).verified


def test_a_code_is_closed_after_its_tries_and_replaced_by_a_newer_one(session, case):
    _knowledge(session)
    (first,) = _sent_codes(session)
    wrong = "000000" if first != "000000" else "111111"
    assert _code(session, wrong).status == WRONG
    _knowledge(session, now=NOW + LATER)  # asked again: the first code is replaced
    first_again, _second = _sent_codes(session)
    assert first_again == first
    assert _code(session, first, now=NOW + 2 * LATER).status == WRONG
    assert CODE_MAX_ATTEMPTS == 3


def test_wrong_codes_count_against_the_reference_like_wrong_answers(session, case):
    _knowledge(session)
    (code,) = _sent_codes(session)
    wrong = "000000" if code != "000000" else "111111"
    statuses = [_code(session, wrong, now=NOW + (i + 1) * LATER).status for i in range(3)]
    assert statuses == [WRONG, WRONG, LOCKED]
    assert _code(session, code, now=NOW + 4 * LATER).status == LOCKED


def test_no_more_than_three_codes_an_hour_reach_the_victim(session, case):
    statuses = [_knowledge(session, sender=f"webchat:s{i}", now=NOW + i * LATER).status for i in range(4)]
    assert statuses == [CODE_SENT, CODE_SENT, CODE_SENT, CODE_NOT_RESENT]
    assert len(_sent_codes(session)) == 3
    assert _knowledge(session, sender="webchat:s9", now=NOW + timedelta(minutes=61)).status == CODE_SENT


def test_a_victim_with_no_contact_on_record_cannot_finish_here(session):
    make_case(session, reference=REF, contact=None)
    assert _knowledge(session).status == NO_CODE_ROUTE
    assert session.scalars(select(OutboxMessage)).all() == []
    assert session.scalars(select(DisclosureGrant)).all() == []


@pytest.mark.parametrize("text", ["12345", "1234567", "01/02/1980", "SP/12345/26", "", None])
def test_only_six_digits_are_read_as_a_code(text):
    assert read_code(text) is None


def test_each_sender_keeps_its_own_open_code(session, case):
    _knowledge(session, sender="webchat:first")
    _knowledge(session, sender="webchat:second", now=NOW + LATER)
    first_code, _second_code = _sent_codes(session)
    assert _code(session, first_code, sender="webchat:first", now=NOW + 2 * LATER).verified


def test_a_victim_with_two_cases_can_use_the_code_for_either(session, case):
    make_case(session, reference=OTHER_REF, first_name="Alex")  # same registered number
    _knowledge(session, reference=REF)
    _knowledge(session, reference=OTHER_REF, now=NOW + LATER)
    code_for_ref, _code_for_other = _sent_codes(session)
    assert _code(session, code_for_ref, reference=REF, now=NOW + 2 * LATER).verified


def test_a_code_for_an_unknown_reference_reads_like_any_wrong_code(session, case):
    assert _code(session, "123456", reference="SP/99999/26").status == WRONG


def test_an_expired_code_is_closed(session, case):
    _knowledge(session)
    (code,) = _sent_codes(session)
    _code(session, code, now=NOW + timedelta(minutes=11))
    assert session.scalars(select(VerificationCode.closed_at)).one() == NOW + timedelta(minutes=11)


def test_a_code_is_dead_after_three_wrong_tries_even_before_any_lock(session, case, monkeypatch):
    monkeypatch.setenv("HAVEN_VERIFY_MAX_FAILURES", "10")
    get_settings.cache_clear()
    _knowledge(session)
    (code,) = _sent_codes(session)
    wrong = "000000" if code != "000000" else "111111"
    for i in range(CODE_MAX_ATTEMPTS):
        assert _code(session, wrong, now=NOW + (i + 1) * LATER).status == WRONG
    assert session.scalars(select(VerificationCode.attempts)).one() == CODE_MAX_ATTEMPTS
    assert _code(session, code, now=NOW + 7 * timedelta(minutes=1)).status == WRONG  # still within its 10 minutes


def test_the_right_code_after_others_locked_the_reference_is_refused(session, case):
    _knowledge(session)
    (code,) = _sent_codes(session)
    wrong = VerificationAnswer(dob=date(1970, 1, 1), postcode="SX99ZZ")
    for i in range(3):
        check_knowledge(session, reference=REF, sender_key=f"rest:x{i}", answer=wrong, now=NOW + (i + 1) * LATER)
        session.commit()
    assert _code(session, code, now=NOW + 4 * LATER).status == LOCKED
    assert session.scalars(select(DisclosureGrant)).all() == []


def test_the_right_code_from_a_sender_locked_for_guessing_other_references_is_refused(session, case):
    _knowledge(session)
    (code,) = _sent_codes(session)
    wrong = VerificationAnswer(dob=date(1970, 1, 1), postcode="SX99ZZ")
    for i in range(5):
        check_knowledge(session, reference=f"SP/3000{i}/26", sender_key=WEB, answer=wrong, now=NOW)
        session.commit()
    assert _code(session, code, now=NOW + LATER).status == LOCKED


def test_parallel_code_guesses_are_checked_one_at_a_time(db_url, session, case):
    from concurrent.futures import ThreadPoolExecutor

    from bot.db import session_scope

    _knowledge(session)
    (code,) = _sent_codes(session)
    wrong_codes = [f"{n:06d}" for n in range(900000, 900013) if f"{n:06d}" != code][:12]
    session.close()

    def guess(wrong: str) -> str:
        with session_scope() as own:
            return check_code(own, reference=REF, sender_key=WEB, code=wrong, now=NOW + LATER).status

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(guess, wrong_codes))
    assert sorted(statuses) == ["wait"] * 11 + ["wrong"]


def test_a_code_is_void_once_its_victim_is_no_longer_on_the_case(session, case):
    _knowledge(session)
    (code,) = _sent_codes(session)
    case[0].victims = []
    session.commit()
    assert _code(session, code).status == WRONG
    assert session.scalars(select(DisclosureGrant)).all() == []
