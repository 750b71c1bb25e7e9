"""Verification: right, wrong and unknown references look the same; lock-out; staff alerts; no plaintext."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.cases.answers import VerificationAnswer
from bot.cases.verification import parse_verification_answer, verify
from bot.models.cases import Victim
from bot.models.security import StaffAlert, VerificationAttempt
from tests.cases.factories import make_case

NOW = datetime(2026, 11, 24, 12, 0)
RIGHT = VerificationAnswer(dob=date(1980, 2, 1), postcode="SX12AB")
WRONG = VerificationAnswer(dob=date(1980, 2, 2), postcode="SX12AB")


def _verify(session, reference="SP/20001/26", sender="sms:+447700900001", answer=RIGHT, now=NOW):
    outcome = verify(session, reference=reference, sender_key=sender, answer=answer, now=now)
    session.commit()
    return outcome


def test_secrets_are_stored_hashed_never_plain(session):
    make_case(session, pin="482913")
    victim = session.scalars(select(Victim)).one()
    for stored in (victim.dob_postcode_hash, victim.pin_hash):
        assert stored.startswith("$argon2id$")
        assert "1980" not in stored and "SX12AB" not in stored and "482913" not in stored


def test_right_answer_verifies_and_names_the_case_and_victim(session):
    case, victim = make_case(session)
    outcome = _verify(session, answer=parse_verification_answer("1 Feb 1980, sx1 2ab"))
    assert outcome.verified and not outcome.locked
    assert (outcome.case_id, outcome.victim_id) == (case.id, victim.id)


def test_pin_verifies(session):
    _case, victim = make_case(session, dob=None, postcode=None, pin="482913")
    outcome = _verify(session, answer=parse_verification_answer("482913"))
    assert outcome.verified and outcome.victim_id == victim.id


def test_wrong_answer_and_unknown_reference_give_identical_outcomes(session):
    make_case(session)
    wrong = _verify(session, answer=WRONG, sender="sms:+447700900001")
    unknown = _verify(session, reference="SP/99999/26", answer=RIGHT, sender="sms:+447700900002")
    assert wrong == unknown
    assert (wrong.verified, wrong.locked, wrong.case_id, wrong.victim_id, wrong.attempts_left) == (
        False, False, None, None, 2,
    )


def test_every_attempt_is_recorded_without_the_answer(session):
    make_case(session)
    _verify(session, answer=WRONG)
    _verify(session, answer=RIGHT)
    _verify(session, reference="sp 99999 26", answer=RIGHT)
    attempts = session.execute(
        select(VerificationAttempt.reference, VerificationAttempt.succeeded).order_by(VerificationAttempt.id)
    ).all()
    assert attempts == [("SP/20001/26", False), ("SP/20001/26", True), ("SP/99999/26", False)]


def test_three_failures_lock_the_reference_for_that_sender_for_thirty_minutes(session):
    make_case(session)
    outcomes = [_verify(session, answer=WRONG, now=NOW + timedelta(minutes=i)) for i in range(3)]
    assert [o.attempts_left for o in outcomes[:2]] == [2, 1]
    assert outcomes[2].locked and outcomes[2].attempts_left == 0
    # while locked even the right answer is not checked (and not recorded)
    locked = _verify(session, answer=RIGHT, now=NOW + timedelta(minutes=31))
    assert locked.locked and not locked.verified
    assert session.scalar(select(VerificationAttempt).where(VerificationAttempt.succeeded.is_(True))) is None
    # another sender is not locked
    assert _verify(session, answer=RIGHT, sender="telegram:42", now=NOW + timedelta(minutes=5)).verified
    # 30 minutes after the third failure the lock has expired
    expired = _verify(session, answer=RIGHT, now=NOW + timedelta(minutes=32))
    assert expired.verified and not expired.locked


def test_unknown_reference_locks_the_same_way(session):
    outcomes = [_verify(session, reference="SP/99999/26", answer=RIGHT) for _ in range(3)]
    assert outcomes[-1].locked


def test_failures_spread_beyond_the_window_do_not_lock(session):
    make_case(session)
    for minutes in (0, 20, 40):
        outcome = _verify(session, answer=WRONG, now=NOW + timedelta(minutes=minutes))
    assert not outcome.locked and outcome.attempts_left == 1


def test_success_resets_the_failure_count(session):
    make_case(session)
    _verify(session, answer=WRONG)
    _verify(session, answer=WRONG, now=NOW + timedelta(minutes=1))
    _verify(session, answer=RIGHT, now=NOW + timedelta(minutes=2))
    outcome = _verify(session, answer=WRONG, now=NOW + timedelta(minutes=3))
    assert not outcome.locked and outcome.attempts_left == 2


def test_failures_from_three_senders_raise_one_staff_alert(session):
    make_case(session)
    _verify(session, answer=WRONG, sender="sms:+447700900001")
    _verify(session, answer=WRONG, sender="telegram:1001")
    assert session.scalars(select(StaffAlert)).all() == []
    _verify(session, answer=WRONG, sender="webchat:abc")
    _verify(session, answer=WRONG, sender="webchat:def", now=NOW + timedelta(minutes=1))
    alerts = session.scalars(select(StaffAlert)).all()
    assert len(alerts) == 1
    assert alerts[0].kind == "verification_failures"
    assert alerts[0].detail == {"reference": "SP/20001/26", "senders": 3}


def test_a_new_alert_once_the_previous_one_is_acknowledged(session):
    for sender in ("a:1", "b:2", "c:3"):
        _verify(session, reference="SP/99999/26", answer=WRONG, sender=sender)
    alert = session.scalars(select(StaffAlert)).one()
    alert.acknowledged_at = NOW
    session.commit()
    _verify(session, reference="SP/99999/26", answer=WRONG, sender="d:4", now=NOW + timedelta(minutes=2))
    assert len(session.scalars(select(StaffAlert)).all()) == 2


def test_old_failures_do_not_count_towards_an_alert(session):
    for hours, sender in ((30, "a:1"), (26, "b:2")):
        _verify(session, reference="SP/99999/26", answer=WRONG, sender=sender, now=NOW - timedelta(hours=hours))
    _verify(session, reference="SP/99999/26", answer=WRONG, sender="c:3")
    assert session.scalars(select(StaffAlert)).all() == []
