"""DETAILS after an update: offence, news, court and officer go only to a sender holding a current two-factor grant."""

from __future__ import annotations

from datetime import datetime, timedelta

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.case_details import ActionGiveCaseDetails
from bot.cases.grants import record_grant
from bot.models.base import utcnow
from tests.cases.factories import make_case
from tests.cases.replies import said_by, text_of

REF = "SP/20001/26"
SENDER = "sms:+447700900555"
NEED_CHECK = text_of("utter_case_details_need_check")


def tracker(*, sender: str = SENDER, verified: bool = True, reference: str | None = REF) -> Tracker:
    slots = {"verified": verified, "verified_reference": reference}
    latest = {"text": "DETAILS", "intent": {"name": "ask_case_details", "confidence": 0.99}, "entities": []}
    return Tracker(sender, slots, latest, [{"event": "user", "text": "DETAILS"}], False, None, {}, "action_listen")


async def said(tracker_: Tracker) -> list[str]:
    dispatcher = CollectingDispatcher()
    assert await ActionGiveCaseDetails().run(dispatcher, tracker_, {}) == []
    return said_by(dispatcher)


def granted_case(session, *, granted_at=None, sender=SENDER):
    case, victim = make_case(
        session, reference=REF, status="trial_date_set", next_hearing_at=datetime(2027, 1, 12, 10, 0),
        next_hearing_court="Fenchester Crown Court", updates=[(datetime(2026, 10, 1), "CCTV reviewed.", True)],
    )
    record_grant(session, case=case, victim=victim, sender_key=sender, knowledge="dob_postcode",
                 possession="registered_number", now=granted_at or utcnow())
    session.commit()
    return case


async def test_a_verified_sender_gets_the_details_in_short_messages(session):
    granted_case(session)
    messages = await said(tracker())
    text = "\n".join(messages)
    assert text.startswith(f"{REF}: Burglary of a home.")
    for detail in ("CCTV reviewed.", "Tuesday 12 January 2027 at 10:00, Fenchester Crown Court", "DC Example Jones"):
        assert detail in text
    assert all(len(message) <= 306 for message in messages)


async def test_a_forged_verified_slot_without_a_grant_gets_nothing(session):
    make_case(session, reference=REF)
    assert await said(tracker()) == [NEED_CHECK]


async def test_another_sender_or_an_expired_grant_gets_nothing(session):
    granted_case(session, sender="sms:+447700900999")
    assert await said(tracker()) == [NEED_CHECK]


async def test_an_old_grant_no_longer_opens_the_details(session):
    granted_case(session, granted_at=utcnow() - timedelta(hours=3))
    assert await said(tracker()) == [NEED_CHECK]


async def test_without_verification_the_victim_is_told_how_to_start(session):
    granted_case(session)
    assert await said(tracker(verified=False)) == [NEED_CHECK]
    assert await said(tracker(reference=None)) == [NEED_CHECK]
