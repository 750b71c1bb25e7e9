"""What restarts a reference's count and what does not, what a refusal says, and what operators see of a lock."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from actions.case_update_replies import ActionAskVerificationAnswer
from bot.cases.answers import VerificationAnswer
from bot.cases.grants import granted_victim, record_grant
from bot.cases.lock_alerts import settle_lock_alerts
from bot.cases.lockout import clear_lock
from bot.cases.verification import GRANTED, LOCKED, WRONG, check_knowledge, normalise_reference
from bot.models.security import StaffAlert
from bot.models.staff import Staff
from bot.settings import get_settings
from tests.actions.test_case_update import FORM, asked_for_answer, run, user
from tests.cases.factories import CONTACT_NUMBER, make_case
from tests.cases.replies import bot_uttered

NOW = datetime(2026, 11, 24, 12, 0)
REF, OTHER_REF = "SP/20001/26", "SP/20002/26"
OWN = f"sms:{CONTACT_NUMBER}"
RIGHT = VerificationAnswer(dob=date(1980, 2, 1), postcode="SX12AB")
WRONG_ANSWER = VerificationAnswer(dob=date(1980, 2, 2), postcode="SX12AB")
LATER = timedelta(minutes=5)


def _check(session, reference=REF, sender=OWN, answer=RIGHT, now=NOW):
    outcome = check_knowledge(session, reference=reference, sender_key=sender, answer=answer, now=now)
    session.commit()
    return outcome.status


def _two_failures_then_something_on_another_reference(session, other):
    make_case(session)
    make_case(session, reference=OTHER_REF, first_name="Sam", contact=("sms", "+447700900556"))
    _check(session, answer=WRONG_ANSWER, sender="rest:a")
    _check(session, answer=WRONG_ANSWER, sender="rest:b", now=NOW + LATER)
    other()
    return _check(session, answer=WRONG_ANSWER, sender="rest:c", now=NOW + 3 * LATER)


def test_a_grant_on_another_reference_does_not_restart_this_ones_count(session):
    def grant_elsewhere():
        assert _check(session, reference=OTHER_REF, sender="sms:+447700900556", now=NOW + 2 * LATER) == GRANTED

    assert _two_failures_then_something_on_another_reference(session, grant_elsewhere) == LOCKED


def test_a_supervisors_clear_of_another_reference_does_not_restart_this_ones_count(session):
    def clear_elsewhere():
        clear_lock(session, reference=OTHER_REF, staff_id=None, now=NOW + 2 * LATER)
        session.commit()

    assert _two_failures_then_something_on_another_reference(session, clear_elsewhere) == LOCKED


def test_a_pin_for_an_unknown_reference_reads_like_any_wrong_answer(session):
    make_case(session, pin="482913")
    assert _check(session, reference="SP/99999/26", answer=VerificationAnswer(pin="482913"), sender="rest:x") == WRONG


def test_text_that_is_no_reference_is_counted_in_capitals_and_cut_to_the_columns_size():
    """Staff typing a non-reference in the console, or a caller passing one, is counted under one spelling."""
    assert normalise_reference("  sp/abc  ") == "SP/ABC"
    assert normalise_reference(None) == ""
    assert normalise_reference("x" * 30) == "X" * 20


def test_operators_are_told_of_a_lock_without_the_reference_or_sender(session, caplog):
    make_case(session)
    for i in range(3):
        _check(session, answer=WRONG_ANSWER, sender=f"rest:guesser{i}", now=NOW + i * LATER)
    warnings = [
        record.getMessage() for record in caplog.records
        if record.levelname == "WARNING" and record.name == "bot.cases.lock_alerts"
    ]
    assert warnings == ["verification locked for a reference after 3 failures"]


@pytest.fixture
def relaxed(db_url, monkeypatch):
    monkeypatch.setenv("HAVEN_VERIFY_SECOND_FACTOR", "sensitive-only")
    get_settings.cache_clear()


def test_a_web_chat_grant_without_the_code_never_opens_the_update(session, relaxed):
    """Web chat always needs the code; a grant recorded without it (older rules, a hand-made row) is void."""
    case, victim = make_case(session)
    record_grant(session, case=case, victim=victim, sender_key="webchat:x", knowledge="dob_postcode",
                 possession="not_required", now=NOW)
    record_grant(session, case=case, victim=victim, sender_key="rest:app", knowledge="dob_postcode",
                 possession="not_required", now=NOW)
    assert granted_victim(session, reference=REF, sender_key="rest:app", now=NOW) == (case, victim)
    assert granted_victim(session, reference=REF, sender_key="webchat:x", now=NOW) is None


async def test_after_please_wait_the_question_is_not_asked_a_second_time(session):
    make_case(session)
    turn = [*asked_for_answer(), user("01/02/1981 SX1 2AB", "inform"), FORM, bot_uttered("utter_verification_wait")]
    events, said = await run(ActionAskVerificationAnswer(), turn)
    assert (events, said) == ([], [])


def test_a_supervisors_clear_settles_that_references_lock_alert_in_their_name(session):
    supervisor = Staff(username="sup", display_name="Sup", role="supervisor", password_hash="x")
    session.add(supervisor)
    session.add(StaffAlert(kind="verification_locked", detail={"reference": OTHER_REF}, created_at=NOW))
    session.commit()
    make_case(session)
    for i in range(3):
        _check(session, answer=WRONG_ANSWER, sender=f"rest:guesser{i}", now=NOW + i * LATER)
    assert settle_lock_alerts(session, reference=REF, staff_id=supervisor.id) == 1
    session.commit()
    alerts = session.scalars(select(StaffAlert).order_by(StaffAlert.id)).all()
    seen = [(a.detail["reference"], a.acknowledged_by, a.acknowledged_at is not None) for a in alerts]
    assert seen == [(OTHER_REF, None, False), (REF, supervisor.id, True)]
