"""Knowledge step: right, wrong and unknown references look the same; cross-sender lock-out; alerts; no plaintext."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.cases.answers import VerificationAnswer, parse_verification_answer
from bot.cases.lockout import clear_lock, locked_references
from bot.cases.verification import (
    CODE_SENT,
    GRANTED,
    LOCKED,
    WAIT,
    WRONG,
    CheckOutcome,
    access_refused,
    check_knowledge,
)
from bot.models.cases import Victim
from bot.models.messaging import OutboxMessage
from bot.models.security import StaffAlert, VerificationAttempt
from bot.models.staff import Staff
from bot.models.verification import DisclosureGrant, VerificationLockClear
from bot.wording import response_text
from tests.cases.factories import CONTACT_NUMBER, make_case

NOW = datetime(2026, 11, 24, 12, 0)
REF = "SP/20001/26"
OWN = f"sms:{CONTACT_NUMBER}"  # the victim's registered number
RIGHT = VerificationAnswer(dob=date(1980, 2, 1), postcode="SX12AB")
WRONG_ANSWER = VerificationAnswer(dob=date(1980, 2, 2), postcode="SX12AB")
LATER = timedelta(minutes=5)  # longer than any delay between tries


def _check(session, reference=REF, sender=OWN, answer=RIGHT, now=NOW):
    outcome = check_knowledge(session, reference=reference, sender_key=sender, answer=answer, now=now)
    session.commit()
    return outcome


def _warnings(session):
    return session.scalars(select(OutboxMessage).where(OutboxMessage.origin == "notification")).all()


def test_secrets_are_stored_hashed_never_plain(session):
    make_case(session, pin="482913")
    victim = session.scalars(select(Victim)).one()
    for stored in (victim.dob_postcode_hash, victim.pin_hash):
        assert stored.startswith("$argon2id$")
        assert "1980" not in stored and "SX12AB" not in stored and "482913" not in stored


def test_right_answer_from_the_registered_number_grants_both_factors(session):
    case, victim = make_case(session)
    outcome = _check(session, answer=parse_verification_answer("1 Feb 1980, sx1 2ab"))
    assert (outcome.status, outcome.case_id, outcome.victim_id) == (GRANTED, case.id, victim.id)
    grant = session.scalars(select(DisclosureGrant)).one()
    assert (grant.sender_key, grant.knowledge, grant.possession) == (OWN, "dob_postcode", "registered_contact")


def test_pin_verifies(session):
    _case, victim = make_case(session, dob=None, postcode=None, pin="482913")
    outcome = _check(session, answer=parse_verification_answer("482913"))
    assert outcome.verified and outcome.victim_id == victim.id


def test_right_answer_from_another_number_only_sends_a_code(session):
    make_case(session)
    outcome = _check(session, sender="sms:+447700900777")
    assert (outcome.status, outcome.victim_id) == (CODE_SENT, None)
    assert session.scalars(select(DisclosureGrant)).all() == []


def test_wrong_answer_and_unknown_reference_give_identical_outcomes(session):
    make_case(session)
    wrong = _check(session, answer=WRONG_ANSWER, sender="sms:+447700900001")
    unknown = _check(session, reference="SP/99999/26", answer=RIGHT, sender="sms:+447700900002")
    assert wrong == unknown
    assert (wrong.status, wrong.case_id, wrong.victim_id, wrong.attempts_left) == (WRONG, None, None, 2)


def test_every_attempt_is_recorded_without_the_answer(session):
    make_case(session)
    _check(session, answer=WRONG_ANSWER)
    _check(session, answer=RIGHT, now=NOW + LATER)
    _check(session, reference="sp 99999 26", answer=RIGHT)
    attempts = session.execute(
        select(VerificationAttempt.reference, VerificationAttempt.succeeded).order_by(VerificationAttempt.id)
    ).all()
    assert attempts == [("SP/20001/26", False), ("SP/20001/26", True), ("SP/99999/26", False)]


def test_failures_from_different_senders_add_up_and_lock_the_reference_for_everyone(session):
    make_case(session)
    senders = ["webchat:a1", "rest:bob", "telegram:1001"]
    outcomes = [_check(session, answer=WRONG_ANSWER, sender=s, now=NOW + i * LATER) for i, s in enumerate(senders)]
    assert [o.status for o in outcomes] == [WRONG, WRONG, LOCKED]
    assert [o.attempts_left for o in outcomes[:2]] == [2, 1]
    # a fourth sender, even the victim's own number with the right answer, is not checked while locked
    locked = _check(session, answer=RIGHT, sender=OWN, now=NOW + 3 * LATER)
    assert locked.status == LOCKED and not locked.verified
    assert session.scalars(select(DisclosureGrant)).all() == []
    assert access_refused(session, reference="sp-20001-26", sender_key="webchat:new", now=NOW + 3 * LATER) == LOCKED


def test_a_lock_alerts_staff_once_and_warns_the_victim_in_neutral_words(session):
    make_case(session)
    for i, sender in enumerate(["rest:a", "rest:b", "rest:c"]):
        _check(session, answer=WRONG_ANSWER, sender=sender, now=NOW + i * LATER)
    alert = session.scalars(select(StaffAlert)).one()
    assert alert.kind == "verification_locked"
    assert alert.detail == {"reference": REF, "failures": 3, "senders": 3, "locked_until": "2026-11-24T12:40"}
    warning = _warnings(session)
    access_warning = response_text("utter_contact_access_warning", "sms")
    assert access_warning.startswith("Someone has just tried several times to get into your information")
    assert [(w.channel, w.recipient, w.payload["text"]) for w in warning] == [("sms", CONTACT_NUMBER, access_warning)]


def test_unknown_reference_locks_the_same_way_and_warns_nobody(session):
    outcomes = [_check(session, reference="SP/99999/26", sender=f"rest:{i}", now=NOW + i * LATER) for i in range(3)]
    assert outcomes[-1].status == LOCKED
    assert session.scalars(select(StaffAlert)).one().detail["reference"] == "SP/99999/26"
    assert _warnings(session) == []


def test_a_try_during_the_growing_delay_is_not_checked_or_counted(session):
    make_case(session)
    _check(session, answer=WRONG_ANSWER, sender="rest:a")
    too_soon = _check(session, answer=RIGHT, now=NOW + timedelta(seconds=14))
    assert too_soon.status == WAIT
    assert session.scalar(select(VerificationAttempt).where(VerificationAttempt.succeeded.is_(True))) is None
    _check(session, answer=WRONG_ANSWER, sender="rest:b", now=NOW + timedelta(seconds=15))
    assert _check(session, answer=RIGHT, now=NOW + timedelta(seconds=44)).status == WAIT  # 30 s after the second
    assert _check(session, answer=RIGHT, now=NOW + timedelta(seconds=45)).status == GRANTED


def test_each_lock_after_the_first_is_longer(session):
    make_case(session)
    for i in range(3):
        _check(session, answer=WRONG_ANSWER, sender=f"rest:{i}", now=NOW + i * LATER)
    third = NOW + 2 * LATER
    assert _check(session, answer=RIGHT, now=third + timedelta(minutes=29)).status == LOCKED
    retry = _check(session, answer=WRONG_ANSWER, sender="rest:x", now=third + timedelta(minutes=31))
    assert retry.status == LOCKED  # one more try after the lock, wrong: locked again, now for 60 minutes
    again = third + timedelta(minutes=31)
    assert _check(session, answer=RIGHT, now=again + timedelta(minutes=59)).status == LOCKED
    assert _check(session, answer=RIGHT, now=again + timedelta(minutes=61)).status == GRANTED


def test_a_grant_starts_the_count_again(session):
    make_case(session)
    _check(session, answer=WRONG_ANSWER, sender="rest:a")
    _check(session, answer=WRONG_ANSWER, sender="rest:b", now=NOW + LATER)
    assert _check(session, answer=RIGHT, now=NOW + 2 * LATER).verified
    outcome = _check(session, answer=WRONG_ANSWER, sender="rest:c", now=NOW + 3 * LATER)
    assert (outcome.status, outcome.attempts_left) == (WRONG, 2)


def test_knowledge_alone_does_not_start_the_count_again(session):
    make_case(session)
    _check(session, answer=WRONG_ANSWER, sender="rest:a")
    _check(session, answer=WRONG_ANSWER, sender="rest:b", now=NOW + LATER)
    assert _check(session, answer=RIGHT, sender="rest:ex", now=NOW + 2 * LATER).status == CODE_SENT
    assert _check(session, answer=WRONG_ANSWER, sender="rest:c", now=NOW + 3 * LATER).status == LOCKED


def test_a_supervisor_clears_a_lock_and_staff_can_see_it_until_then(session):
    make_case(session)
    for i in range(3):
        _check(session, answer=WRONG_ANSWER, sender=f"rest:{i}", now=NOW + i * LATER)
    later = NOW + 3 * LATER
    assert [reference for reference, _state in locked_references(session, now=later)] == [REF]
    clear_lock(session, reference=REF, staff_id=None, now=later)
    session.commit()
    assert locked_references(session, now=later + timedelta(seconds=1)) == []
    assert _check(session, answer=RIGHT, now=later + timedelta(seconds=1)).verified


def test_one_sender_cannot_try_reference_after_reference(session):
    for number in range(20001, 20006):
        make_case(session, reference=f"SP/{number}/26", first_name=f"V{number}")
    outcomes = [
        _check(session, reference=f"SP/{20001 + i}/26", sender="rest:enumerator", answer=WRONG_ANSWER, now=NOW)
        for i in range(5)
    ]
    assert [o.status for o in outcomes] == [WRONG, WRONG, WRONG, WRONG, LOCKED]
    # the fifth reference had only one failure, yet the sender is locked everywhere...
    assert access_refused(session, reference="SP/20001/26", sender_key="rest:enumerator", now=NOW + LATER) == LOCKED
    assert _check(session, reference="SP/20005/26", sender="rest:enumerator", now=NOW + LATER).status == LOCKED
    # ...and nobody else is
    assert _check(session, reference="SP/20005/26", sender="rest:someone", now=NOW + LATER).status == CODE_SENT


def test_failures_older_than_a_day_are_forgotten(session):
    make_case(session)
    for hours, sender in ((30, "rest:a"), (26, "rest:b")):
        _check(session, answer=WRONG_ANSWER, sender=sender, now=NOW - timedelta(hours=hours))
    outcome = _check(session, answer=WRONG_ANSWER, sender="rest:c")
    assert (outcome.status, outcome.attempts_left) == (WRONG, 2)


def test_the_alert_counts_only_the_senders_that_failed_this_reference_since_its_last_grant(session):
    make_case(session)
    make_case(session, reference="SP/20002/26", first_name="Sam")
    _check(session, answer=WRONG_ANSWER, sender="rest:before-the-grant")
    assert _check(session, now=NOW + LATER).verified  # the victim's own number: the count starts again
    after_grant = NOW + LATER + timedelta(seconds=1)
    _check(session, reference="SP/20002/26", answer=WRONG_ANSWER, sender="rest:elsewhere", now=after_grant)
    assert _check(session, sender="rest:knows-the-answer", now=after_grant).status == CODE_SENT
    for i, sender in enumerate(["rest:a", "rest:a", "rest:b"]):
        _check(session, answer=WRONG_ANSWER, sender=sender, now=NOW + (i + 2) * LATER)
    alert = session.scalars(select(StaffAlert).where(StaffAlert.kind == "verification_locked")).one()
    assert (alert.detail["failures"], alert.detail["senders"]) == (3, 2)


def test_a_clear_records_which_supervisor_cleared_it(session):
    supervisor = Staff(username="sup", display_name="Sup", role="supervisor", password_hash="x")
    session.add(supervisor)
    session.commit()
    clear_lock(session, reference=REF, staff_id=supervisor.id, now=NOW)
    session.commit()
    assert session.scalars(select(VerificationLockClear.staff_id)).all() == [supervisor.id]


def test_locked_references_are_listed_most_recently_tried_first(session):
    for reference in ("SP/99991/26", "SP/99992/26"):
        for i in range(3):
            _check(session, reference=reference, sender=f"rest:{reference}{i}", now=NOW + i * LATER)
    _check(session, reference="SP/99992/26", sender="rest:again", now=NOW + 3 * LATER)  # refused, but tried
    listed = locked_references(session, now=NOW + 3 * LATER)
    assert [reference for reference, _ in listed] == ["SP/99992/26", "SP/99991/26"]
    assert all(state.locked and state.retry_at == NOW + 2 * LATER + timedelta(minutes=30) for _, state in listed)


def test_one_open_alert_per_reference_and_a_new_one_once_it_is_acknowledged(session):
    make_case(session)
    session.add_all([
        StaffAlert(kind="handoff_unrecorded", detail={"reference": REF}, created_at=NOW),  # another kind
        StaffAlert(kind="verification_locked", detail={"reference": "SP/99999/26"}, created_at=NOW),  # another ref
    ])
    session.commit()

    def lock(start):
        for i in range(3):
            _check(session, answer=WRONG_ANSWER, sender=f"rest:{start}{i}", now=start + i * LATER)

    def mine():
        alerts = session.scalars(select(StaffAlert).where(StaffAlert.kind == "verification_locked")).all()
        return [alert for alert in alerts if alert.detail["reference"] == REF]

    lock(NOW)
    assert len(mine()) == 1
    clear_lock(session, reference=REF, staff_id=None, now=NOW + timedelta(hours=1))
    lock(NOW + timedelta(hours=2))
    assert len(mine()) == 1  # still open: staff already know
    mine()[0].acknowledged_at = NOW + timedelta(hours=3)
    session.commit()
    clear_lock(session, reference=REF, staff_id=None, now=NOW + timedelta(hours=3))
    lock(NOW + timedelta(hours=4))
    assert len(mine()) == 2


def test_a_domestic_abuse_case_takes_only_the_pin_and_its_right_date_of_birth_reads_as_wrong(session):
    make_case(session, category="domestic_abuse", pin="482913")
    by_dob = _check(session, answer=RIGHT, sender="rest:knows-them")
    unknown = _check(session, reference="SP/99999/26", answer=RIGHT, sender="rest:guesser")
    assert by_dob == unknown == CheckOutcome(WRONG, attempts_left=2)
    assert session.scalars(select(DisclosureGrant)).all() == []
    assert session.scalars(select(OutboxMessage)).all() == []  # no code went to the victim's phone
    assert _check(session, answer=parse_verification_answer("482913"), now=NOW + LATER).status == GRANTED


def test_an_enhanced_entitlement_victim_also_needs_the_pin(session):
    make_case(session, enhanced=True, pin="482913")
    assert _check(session).status == WRONG
    assert _check(session, answer=parse_verification_answer("01/02/1980 SX1 2AB 482913"), now=NOW + LATER).verified


def test_a_case_that_is_not_sensitive_still_takes_date_of_birth_and_postcode(session):
    make_case(session, category=None, offence="Theft of a bicycle")
    assert _check(session).status == GRANTED
    grant = session.scalars(select(DisclosureGrant)).one()
    assert grant.knowledge == "dob_postcode"
