"""The fictional sample cases load, cover every status, hash their secrets and reload idempotently."""

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from bot.cases.answers import VerificationAnswer
from bot.cases.sample_loader import load_sample_cases
from bot.cases.summary import case_update_message
from bot.cases.verification import verify
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

    by_dob = verify(
        session, reference="SP/10001/26", sender_key="rest:demo",
        answer=VerificationAnswer(dob=date(1980, 2, 1), postcode="SX12AB"),
    )
    by_pin = verify(session, reference="SP/10002/26", sender_key="rest:demo", answer=VerificationAnswer(pin="482913"))
    assert by_dob.verified and by_pin.verified
    message = case_update_message(session, case_id=by_dob.case_id, victim_id=by_dob.victim_id)
    assert "POLICE ONLY" not in message and "Mill Lane" not in message


def test_refresh_updates_fields_of_existing_cases(session, tmp_path):
    path = tmp_path / "cases.yml"
    path.write_text(
        "cases:\n  - reference: SP/19999/26\n    offence: Theft\n    status: reported\n    reported_on: 2026-01-01\n"
        "    victims: [{first_name: Test, pin: '1234'}]\n"
        "    timeline: [{at: '2026-01-01 10:00', status: reported, summary: Recorded.}]\n",
        encoding="utf-8",
    )
    assert load_sample_cases(session, path) == 1
    path.write_text(path.read_text().replace("status: reported\n    reported_on", "status: charged\n    reported_on"))
    assert load_sample_cases(session, path) == 0
    case = session.scalars(select(Case)).one()
    assert case.status == "charged" and len(case.updates) == 1 and len(case.victims) == 1
