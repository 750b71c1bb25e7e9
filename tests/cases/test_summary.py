"""The victim's case update message: plain status, court date, officer, rights; never police-only entries."""

from datetime import datetime

from bot.cases.summary import case_summary, case_update_message
from tests.cases.factories import make_case

UPDATES = [
    (datetime(2026, 9, 16, 10, 5), "A forensic officer visited your home.", True),
    (datetime(2026, 10, 20, 11, 0), "CCTV from neighbouring houses is being reviewed.", True),
    (datetime(2026, 11, 1, 9, 0), "POLICE ONLY: suspect lives at 14 Example Row.", False),
]


def test_update_message_has_everything_a_victim_needs(session):
    case, victim = make_case(
        session, status="charged", updates=UPDATES,
        next_hearing_at=datetime(2027, 1, 12, 10, 0), next_hearing_court="Fenchester Crown Court",
        officer_contact="101, quoting the reference, or dc.jones@southmoor.police.example",
    )
    message = case_update_message(session, case_id=case.id, victim_id=victim.id)
    assert message.splitlines() == [
        "Thanks, Alex. Here is the latest on SP/20001/26 (Burglary of a home).",
        "Status: Charged. The suspect has been charged with a crime. The case will now go to court.",
        "What happens next: A first hearing will be held at a magistrates' court. The Witness Care Unit will keep "
        "you informed about court dates and whether you are needed as a witness.",
        "Latest update (20 October 2026): CCTV from neighbouring houses is being reviewed.",
        "Next court date: Tuesday 12 January 2027 at 10:00, Fenchester Crown Court.",
        "Officer in charge: DC Example Jones. Contact: 101, quoting the reference, or "
        "dc.jones@southmoor.police.example.",
        "Under the Victims' Code you are entitled to be told about key decisions in your case, such as an arrest, "
        "a charge or a suspect's release, within 5 working days.",
    ]


def test_non_shareable_updates_never_appear_even_when_latest(session):
    case, victim = make_case(session, updates=UPDATES)
    message = case_update_message(session, case_id=case.id, victim_id=victim.id)
    assert "POLICE ONLY" not in message and "Example Row" not in message
    assert "CCTV from neighbouring houses" in message


def test_case_with_only_police_only_updates_shows_no_update_line(session):
    case, victim = make_case(session, updates=[UPDATES[2]])
    message = case_update_message(session, case_id=case.id, victim_id=victim.id)
    assert "Latest update" not in message and "Example Row" not in message


def test_enhanced_victims_are_told_one_working_day(session):
    case, victim = make_case(session, enhanced=True)
    assert "within 1 working day" in case_update_message(session, case_id=case.id, victim_id=victim.id)


def test_message_refuses_a_victim_not_on_the_case(session):
    case, _victim = make_case(session)
    _other_case, other_victim = make_case(session, reference="SP/20002/26", first_name="Sam")
    try:
        case_update_message(session, case_id=case.id, victim_id=other_victim.id)
    except LookupError:
        return
    raise AssertionError("a victim of another case got this case's update")


def test_staff_summary_flags_police_only_entries(session):
    case, _victim = make_case(session, updates=UPDATES)
    summary = case_summary(session, case_id=case.id)
    assert summary["reference"] == "SP/20001/26"
    assert summary["status_label"] == "Under investigation"
    assert [entry["shareable"] for entry in summary["timeline"]] == [True, True, False]
    assert summary["victims"][0]["first_name"] == "Alex"
