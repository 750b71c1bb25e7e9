"""action_find_support: the top matches, numbered, safety first where danger is likely, Victim Support if none."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.support import ActionFindSupport
from tests.actions.support_trackers import make_tracker, real_directory, run, small_directory

FRAUD_IN_SX4 = ["southmoor-scam-recovery", "southmoor-older-peoples-safety", "report-fraud"]
SAFETY_FIRST = (
    "In an emergency call 999. Can't speak? On a mobile press 55 when asked; on a landline stay on the line. "
    'To talk to our team, say "talk to a person".'
)


async def test_find_support_lists_three_numbered_results(session):
    real_directory(session)
    events, messages = await run(ActionFindSupport(), make_tracker("SX4", slots={"need": "fraud", "area": "SX4"}))
    assert events == [SlotSet("support_results", FRAUD_IN_SX4)]
    assert len(messages) == 1 and len(messages[0]["text"]) <= 306
    assert messages[0]["text"].split("\n") == [
        "Here are services for fraud or scams in Fenchester City (SX4):",
        "1. Southmoor Scam Recovery Service (sample), open now until 17:00: call 01632 960107.",
        "2. Southmoor Older People's Safety Service (sample), open now until 16:30: call 01632 960109.",
        "3. Report Fraud, open now until 20:00: call 0300 123 2040.",
    ]


async def test_open_now_requests_put_open_services_first(session, tmp_path):
    small_directory(session, tmp_path)
    slots = {"need": "stalking", "area": "Oakhollow"}
    events, _ = await run(ActionFindSupport(), make_tracker("Oakhollow", slots=slots))
    assert events == [SlotSet("support_results", ["local-stalking", "national-stalking"])]
    events, messages = await run(ActionFindSupport(), make_tracker("Oakhollow, who is open right now?", slots=slots))
    assert events == [SlotSet("support_results", ["national-stalking", "local-stalking"])]
    assert messages[1]["text"] == (
        "Here are services for stalking or harassment in Oakhollow:\n"
        "1. National Stalking Line, open 24/7: call 0808 802 0300.\n"
        "2. Local Stalking Team (sample), hours not known: call 01632 960001."
    )


async def test_a_risk_need_opens_with_the_emergency_line_and_a_person_then_the_results(session):
    real_directory(session)
    for sender in ("telegram:123456", "sms:+447700900123"):
        _events, messages = await run(
            ActionFindSupport(),
            make_tracker("Ashby", slots={"need": "domestic_abuse", "area": "Ashby Vale"}, sender=sender),
        )
        results = "\n".join(message["text"] for message in messages[1:])
        assert messages[0]["text"] == SAFETY_FIRST
        assert all(len(message["text"]) <= 306 for message in messages)
        assert results.startswith("Here are services for domestic abuse in Ashby Vale:\n1. ")
        assert "National Domestic Abuse Helpline (Refuge), open 24/7: call 0808 2000 247." in results


async def test_other_needs_start_with_the_results(session):
    real_directory(session)
    _events, messages = await run(ActionFindSupport(), make_tracker("SX4", slots={"need": "fraud", "area": "SX4"}))
    assert messages[0]["text"].startswith("Here are services for fraud")


async def test_no_results_offers_victim_support_from_the_directory(session, tmp_path):
    small_directory(session, tmp_path)
    events, messages = await run(ActionFindSupport(), make_tracker("skip", slots={"need": "lgbt", "area": "any"}))
    assert events == [SlotSet("support_results", [])]
    assert [message["text"] for message in messages] == [
        "I couldn't find a service for LGBT+ support. Victim Support can help after any crime, reported or not. "
        "Victim Support Supportline, free, 24/7: call 08 08 16 89 111."
    ]


async def test_no_results_still_gives_victim_support_s_number_when_the_directory_lacks_it(db_url):
    _events, messages = await run(
        ActionFindSupport(), make_tracker("Oakhollow", slots={"need": "lgbt", "area": "Oakhollow"})
    )
    assert [message["text"] for message in messages] == [
        "I couldn't find a service for LGBT+ support in Oakhollow. Victim Support can help after any crime, "
        "reported or not. Victim Support, free, 24/7: call 08 08 16 89 111."
    ]
