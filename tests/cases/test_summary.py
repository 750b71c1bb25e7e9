"""A case update: a short first reply naming no offence, details only on request, never police-only entries."""

from datetime import datetime

import pytest

from bot.cases.summary import case_details_messages, case_summary, case_update_message
from bot.models.cases import CASE_STATUSES
from connectors.sms.gsm import count_segments
from connectors.sms.render import render_bodies
from tests.cases.factories import make_case

UPDATES = [
    (datetime(2026, 9, 16, 10, 5), "A forensic officer visited your home.", True),
    (datetime(2026, 10, 20, 11, 0), "CCTV from neighbouring houses is being reviewed.", True),
    (datetime(2026, 11, 1, 9, 0), "POLICE ONLY: suspect lives at 14 Example Row.", False),
]


def _charged_case(session):
    return make_case(
        session, status="charged", updates=UPDATES,
        next_hearing_at=datetime(2027, 1, 12, 10, 0), next_hearing_court="Fenchester Crown Court",
        officer_contact="101, quoting the reference, or dc.jones@southmoor.police.example",
    )


def test_the_first_reply_is_short_and_names_no_offence_court_or_officer(session):
    case, victim = _charged_case(session)
    message = case_update_message(session, case_id=case.id, victim_id=victim.id)
    assert message.splitlines() == [
        "Thanks, Alex. Here is the latest on SP/20001/26: Charged. The suspect has been charged with a crime. "
        "The case will now go to court.",
        "Next: The Witness Care Unit will tell you about court dates and if you are needed as a witness.",
        "Reply DETAILS for the latest news, court dates and who to contact.",
    ]
    for detail in ("Burglary", "Crown Court", "2027", "Jones", "CCTV"):
        assert detail not in message


@pytest.mark.parametrize("status", CASE_STATUSES)
@pytest.mark.parametrize("enhanced", [False, True])
def test_the_first_reply_fits_three_sms_segments_for_every_status(session, status, enhanced):
    case, victim = make_case(session, status=status, enhanced=enhanced, first_name="Christabel-Anne")
    message = case_update_message(session, case_id=case.id, victim_id=victim.id)
    [body] = render_bodies({"text": message})
    assert count_segments(body) <= 3, (status, len(body))


def test_details_on_request_give_offence_news_court_officer_and_rights(session):
    case, victim = _charged_case(session)
    messages = case_details_messages(session, case_id=case.id, victim_id=victim.id)
    assert "\n".join(messages).splitlines() == [
        "SP/20001/26: Burglary of a home.",
        "Latest news (20 October 2026): CCTV from neighbouring houses is being reviewed.",
        "Next court date: Tuesday 12 January 2027 at 10:00, Fenchester Crown Court.",
        "Officer in charge: DC Example Jones. Contact: 101, quoting the reference, or "
        "dc.jones@southmoor.police.example.",
        "You should be told about big decisions within 5 working days. This includes an arrest, a charge or a "
        "release. This is your right under the Victims' Code.",
    ]
    assert all(count_segments(message) <= 2 for message in messages)


def test_non_shareable_updates_never_appear_even_when_latest(session):
    case, victim = make_case(session, updates=UPDATES)
    details = "\n".join(case_details_messages(session, case_id=case.id, victim_id=victim.id))
    assert "POLICE ONLY" not in details and "Example Row" not in details
    assert "CCTV from neighbouring houses" in details


def test_case_with_only_police_only_updates_shows_no_news_line(session):
    case, victim = make_case(session, updates=[UPDATES[2]])
    details = "\n".join(case_details_messages(session, case_id=case.id, victim_id=victim.id))
    assert "Latest news" not in details and "Example Row" not in details


def test_enhanced_victims_are_told_one_working_day_without_being_labelled(session):
    case, victim = make_case(session, enhanced=True)
    details = "\n".join(case_details_messages(session, case_id=case.id, victim_id=victim.id))
    assert "within 1 working day" in details
    assert "vulnerable or intimidated" not in details


def test_message_refuses_a_victim_not_on_the_case(session):
    case, _victim = make_case(session)
    _other_case, other_victim = make_case(session, reference="SP/20002/26", first_name="Sam")
    with pytest.raises(LookupError):
        case_update_message(session, case_id=case.id, victim_id=other_victim.id)
    with pytest.raises(LookupError):
        case_details_messages(session, case_id=case.id, victim_id=other_victim.id)


def test_staff_summary_flags_police_only_entries(session):
    case, _victim = make_case(session, updates=UPDATES)
    summary = case_summary(session, case_id=case.id)
    assert summary["reference"] == "SP/20001/26"
    assert summary["status_label"] == "Under investigation"
    assert [entry["shareable"] for entry in summary["timeline"]] == [True, True, False]
    assert summary["victims"][0]["first_name"] == "Alex"
