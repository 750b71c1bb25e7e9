"""Disclosure grants: what action_give_case_update trusts, for how long, and only while the policy still allows it."""

from datetime import datetime, timedelta

import pytest

from bot.cases.answers import VerificationAnswer
from bot.cases.grants import granted_victim, record_grant
from bot.cases.verification import CODE_SENT, GRANTED, WRONG, check_knowledge
from bot.settings import get_settings
from tests.cases.factories import make_case

NOW = datetime(2026, 11, 24, 12, 0)
REF = "SP/20001/26"


@pytest.fixture
def relaxed(db_url, monkeypatch):
    monkeypatch.setenv("HAVEN_VERIFY_SECOND_FACTOR", "sensitive-only")
    get_settings.cache_clear()


def test_a_grant_holds_for_an_hour_for_its_own_sender_and_case_only(session):
    case, victim = make_case(session, reference=REF)
    other, _ = make_case(session, reference="SP/20002/26", first_name="Sam")
    record_grant(session, case=case, victim=victim, sender_key="sms:+1", knowledge="pin",
                 possession="registered_contact", now=NOW)
    within = NOW + timedelta(minutes=59)
    assert granted_victim(session, reference=REF, sender_key="sms:+1", now=within) == (case, victim)
    assert granted_victim(session, reference=REF, sender_key="sms:+1", now=NOW + timedelta(minutes=60)) is None
    assert granted_victim(session, reference=REF, sender_key="sms:+2", now=NOW) is None
    assert granted_victim(session, reference=other.reference, sender_key="sms:+1", now=NOW) is None
    assert granted_victim(session, reference=REF, sender_key="sms:+1", now=NOW - timedelta(seconds=1)) is None


def test_a_grant_for_a_victim_no_longer_on_the_case_is_void(session):
    case, victim = make_case(session, reference=REF)
    record_grant(session, case=case, victim=victim, sender_key="sms:+1", knowledge="pin",
                 possession="registered_contact", now=NOW)
    case.victims = []
    session.commit()
    assert granted_victim(session, reference=REF, sender_key="sms:+1", now=NOW) is None


def test_under_the_relaxed_policy_an_ordinary_case_needs_knowledge_only_except_on_web_chat(session, relaxed):
    make_case(session, reference=REF)
    answer = VerificationAnswer(pin=None, dob=datetime(1980, 2, 1).date(), postcode="SX12AB")
    assert check_knowledge(session, reference=REF, sender_key="rest:app", answer=answer, now=NOW).status == GRANTED
    assert check_knowledge(session, reference=REF, sender_key="webchat:x", answer=answer, now=NOW).status == CODE_SENT


def test_a_sensitive_case_needs_the_pin_and_a_code_under_either_policy(session, relaxed):
    make_case(session, reference=REF, offence="Stalking", category="stalking", pin="482913")
    answer = VerificationAnswer(pin="482913")
    assert check_knowledge(session, reference=REF, sender_key="rest:app", answer=answer, now=NOW).status == CODE_SENT
    by_dob = VerificationAnswer(dob=datetime(1980, 2, 1).date(), postcode="SX12AB")
    later = NOW + timedelta(minutes=5)
    assert check_knowledge(session, reference=REF, sender_key="rest:app", answer=by_dob, now=later).status == WRONG


def test_a_date_of_birth_grant_on_a_case_that_became_sensitive_is_void(session):
    case, victim = make_case(session, reference=REF)
    record_grant(session, case=case, victim=victim, sender_key="sms:+1", knowledge="dob_postcode",
                 possession="registered_contact", now=NOW)
    assert granted_victim(session, reference=REF, sender_key="sms:+1", now=NOW) == (case, victim)
    case.offence_category = "domestic_abuse"
    session.commit()
    assert granted_victim(session, reference=REF, sender_key="sms:+1", now=NOW) is None


def test_a_knowledge_only_grant_stops_counting_once_the_policy_is_tightened(session, relaxed, monkeypatch):
    case, victim = make_case(session, reference=REF)
    record_grant(session, case=case, victim=victim, sender_key="rest:app", knowledge="dob_postcode",
                 possession="not_required", now=NOW)
    assert granted_victim(session, reference=REF, sender_key="rest:app", now=NOW) == (case, victim)
    monkeypatch.setenv("HAVEN_VERIFY_SECOND_FACTOR", "always")
    get_settings.cache_clear()
    assert granted_victim(session, reference=REF, sender_key="rest:app", now=NOW) is None


def test_an_unknown_policy_is_refused_at_start_up(monkeypatch):
    monkeypatch.setenv("HAVEN_VERIFY_SECOND_FACTOR", "never")
    get_settings.cache_clear()
    try:
        with pytest.raises(Exception, match="HAVEN_VERIFY_SECOND_FACTOR"):
            get_settings()
    finally:
        monkeypatch.delenv("HAVEN_VERIFY_SECOND_FACTOR")
        get_settings.cache_clear()


def _second_victim(session, case):
    from bot.models.cases import Victim

    other = Victim(first_name="Toni")
    case.victims.append(other)
    session.commit()
    return other


def test_the_latest_grant_names_the_victim(session):
    case, first = make_case(session, reference=REF)
    second = _second_victim(session, case)
    for victim, at in ((second, NOW + timedelta(minutes=1)), (first, NOW)):  # the later one stored first
        record_grant(session, case=case, victim=victim, sender_key="sms:+1", knowledge="pin",
                     possession="registered_contact", now=at)
    assert granted_victim(session, reference=REF, sender_key="sms:+1", now=NOW + timedelta(minutes=2)) == (case, second)


def test_of_two_grants_at_the_same_moment_the_last_recorded_names_the_victim(session):
    case, first = make_case(session, reference=REF)
    second = _second_victim(session, case)
    for victim in (first, second):
        record_grant(session, case=case, victim=victim, sender_key="sms:+1", knowledge="pin",
                     possession="registered_contact", now=NOW)
    assert granted_victim(session, reference=REF, sender_key="sms:+1", now=NOW) == (case, second)


def test_an_older_valid_grant_still_counts_when_the_newest_is_void(session, monkeypatch):
    case, first = make_case(session, reference=REF)
    second = _second_victim(session, case)
    record_grant(session, case=case, victim=first, sender_key="rest:app", knowledge="pin",
                 possession="one_time_code", now=NOW)
    record_grant(session, case=case, victim=second, sender_key="rest:app", knowledge="pin",
                 possession="one_time_code", now=NOW + timedelta(minutes=1))
    record_grant(session, case=case, victim=first, sender_key="rest:app", knowledge="pin",
                 possession="not_required", now=NOW + timedelta(minutes=2))  # void under "always"
    case.victims.remove(second)
    session.commit()
    assert granted_victim(session, reference=REF, sender_key="rest:app", now=NOW + timedelta(minutes=3)) == (
        case, first,
    )
