"""The fictional sample cases load, cover every status, hash their secrets and reload idempotently."""

import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cases.answers import VerificationAnswer
from bot.cases.possession import is_sensitive
from bot.cases.sample_loader import load_sample_cases
from bot.cases.summary import case_update_message
from bot.cases.verification import check_knowledge
from bot.models.cases import CASE_STATUSES, Case, CaseUpdate, Victim
from bot.settings import get_settings


def _counts(session):
    return tuple(session.scalar(select(func.count()).select_from(table)) for table in (Case, CaseUpdate, Victim))


def test_sample_cases_load_once_cover_every_status_and_demo_cases_verify(session):
    path = get_settings().sample_cases_file
    created = load_sample_cases(session, path)
    session.commit()
    assert created >= 25
    statuses = Counter(session.scalars(select(Case.status)).all())
    assert set(statuses) == set(CASE_STATUSES)
    assert session.scalar(select(func.count()).select_from(CaseUpdate).where(CaseUpdate.shareable.is_(False))) >= 3
    for victim in session.scalars(select(Victim)):
        assert victim.dob_postcode_hash or victim.pin_hash
        for stored in (victim.dob_postcode_hash, victim.pin_hash):
            assert stored is None or stored.startswith("$argon2id$")

    before = _counts(session)
    assert load_sample_cases(session, path) == 0
    session.commit()
    assert _counts(session) == before

    # the README's demo answers verify from the registered numbers; PINs are 6+ digits, every victim has a contact
    by_dob = check_knowledge(
        session, reference="SP/10001/26", sender_key="sms:+447700900101",
        answer=VerificationAnswer(dob=date(1980, 2, 1), postcode="SX12AB"),
    )
    by_pin = check_knowledge(
        session, reference="SP/10002/26", sender_key="sms:+447700900102", answer=VerificationAnswer(pin="544824")
    )
    assert by_dob.verified and by_pin.verified
    for victim in session.scalars(select(Victim)):
        assert victim.contact_channel in ("sms", "telegram") and victim.contact_address
    pins = re.findall(r'pin: "(\d+)"', Path(path).read_text(encoding="utf-8"))
    assert len(pins) >= 10 and all(len(pin) >= 6 for pin in pins)
    categories = dict(session.execute(select(Case.reference, Case.offence_category)).all())
    assert categories["SP/10011/26"] == "stalking" and categories["SP/10001/26"] is None
    message = case_update_message(session, case_id=by_dob.case_id, victim_id=by_dob.victim_id)
    assert "POLICE ONLY" not in message and "Mill Lane" not in message


def test_sensitive_sample_victims_have_a_pin_and_the_demo_abuse_case_takes_only_it(session):
    load_sample_cases(session, get_settings().sample_cases_file)
    session.commit()
    sensitive = [victim for case in session.scalars(select(Case)) for victim in case.victims
                 if is_sensitive(case, victim)]
    assert len(sensitive) >= 5 and all(victim.pin_hash for victim in sensitive)
    now = datetime(2026, 11, 24, 12, 0)
    by_dob = check_knowledge(session, reference="SP/10020/26", sender_key="telegram:700120", now=now,
                             answer=VerificationAnswer(dob=date(1991, 9, 3), postcode="SX132XY"))
    by_pin = check_knowledge(session, reference="SP/10020/26", sender_key="telegram:700120",
                             now=now + timedelta(minutes=5), answer=VerificationAnswer(pin="615808"))
    assert not by_dob.verified and by_pin.verified


def test_refresh_updates_fields_of_existing_cases(session, tmp_path):
    path = tmp_path / "cases.yml"
    path.write_text(
        "cases:\n  - reference: SP/19999/26\n    offence: Theft\n    status: reported\n    reported_on: 2026-01-01\n"
        "    victims: [{first_name: Test, pin: '402718'}]\n"
        "    timeline: [{at: '2026-01-01 10:00', status: reported, summary: Recorded.}]\n",
        encoding="utf-8",
    )
    assert load_sample_cases(session, path) == 1
    path.write_text(path.read_text().replace("status: reported\n    reported_on", "status: charged\n    reported_on"))
    assert load_sample_cases(session, path) == 0
    case = session.scalars(select(Case)).one()
    assert case.status == "charged" and len(case.updates) == 1 and len(case.victims) == 1


@pytest.mark.parametrize(
    ("victim", "problem"),
    [
        ("{first_name: Test, pin: '7315'}", "at least 6"),
        ("{first_name: Test, pin: '111111'}", "at least 6"),
        ("{first_name: Test, pin: '402718', contact: {channel: webchat, address: abc}}", "contact"),
    ],
)
def test_short_pins_and_unusable_contacts_are_refused(session, tmp_path, victim, problem):
    path = tmp_path / "cases.yml"
    path.write_text(
        "cases:\n  - reference: SP/19999/26\n    offence: Theft\n    status: reported\n    reported_on: 2026-01-01\n"
        f"    victims: [{victim}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=problem):
        load_sample_cases(session, path)


def test_refresh_brings_existing_victims_contact_and_pin_up_to_date(session, tmp_path):
    path = tmp_path / "cases.yml"
    entry = (
        "cases:\n  - reference: SP/19999/26\n    offence: Theft\n    status: reported\n    reported_on: 2026-01-01\n"
        "    victims: [{first_name: Test, pin: 'PIN', contact: {channel: sms, address: 'NUMBER'}}]\n"
    )
    path.write_text(entry.replace("PIN", "402718").replace("NUMBER", "+447700900201"), encoding="utf-8")
    load_sample_cases(session, path)
    path.write_text(entry.replace("PIN", "958361").replace("NUMBER", "+447700900202"), encoding="utf-8")
    load_sample_cases(session, path)
    session.commit()
    outcome = check_knowledge(
        session, reference="SP/19999/26", sender_key="sms:+447700900202", answer=VerificationAnswer(pin="958361")
    )
    assert outcome.verified
