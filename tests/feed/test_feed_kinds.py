"""Each kind of event changes what a verified victim reads, or who is nudged, as the police system said."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot.cases.hashing import dob_postcode_secret, secret_matches
from bot.cases.identities import link_verified
from bot.cases.notifications import pending_case_notifications
from bot.cases.summary import case_details_messages, case_update_message
from bot.feed.apply import apply_event
from bot.feed.schema import CaseEventBody
from bot.models.cases import Case
from bot.models.messaging import OutboxMessage
from tests.cases.factories import make_case
from tests.feed.conftest import event


def apply(session, body: dict) -> None:
    apply_event(session, CaseEventBody.parse_obj(body).__root__, source="force-rms")
    session.commit()


def nudges(session) -> int:
    return len(session.scalars(select(OutboxMessage)).all())


def told(session, case, victim) -> str:
    session.expire_all()
    first = case_update_message(session, case_id=case.id, victim_id=victim.id)
    return "\n".join([first, *case_details_messages(session, case_id=case.id, victim_id=victim.id)])


@pytest.mark.parametrize(
    ("fields", "now_told"),
    [
        ({"kind": "officer_change", "officer_name": "PC 4321 New", "officer_contact": "101, ask for PC 4321"},
         ["Officer in charge: PC 4321 New. Contact: 101, ask for PC 4321.", "A new officer is now in charge"]),
        ({"kind": "court_date", "hearing_at": "2027-01-12T10:00:00", "court": "Fenchester Crown Court"},
         ["Next court date: Tuesday 12 January 2027 at 10:00, Fenchester Crown Court.", "A court date has been set."]),
        ({"kind": "outcome", "outcome": "The man was found guilty."},
         ["Latest news (20 November 2026): The man was found guilty."]),
        ({"kind": "enhanced_entitlement", "enhanced": True}, ["1 working day"]),
    ],
)
def test_each_kind_changes_what_the_victim_reads(session, fields, now_told):
    case, victim = make_case(session)
    apply(session, event(**fields))
    text = told(session, case, victim)
    for words in now_told:
        assert words in text


def test_contact_preferences_can_stop_and_restart_the_nudges(session):
    _case, victim = make_case(session)
    link_verified(session, channel="sms", address="+447700900123", victim_id=victim.id)
    apply(session, event("contact_preferences", consent_updates=False))
    apply(session, event("update", event_id="evt-2", summary="CCTV has been collected.", victim_may_be_told=True))
    assert pending_case_notifications(session) == [] and nudges(session) == 0
    apply(session, event("contact_preferences", event_id="evt-3", consent_updates=True, preferred_channel="telegram"))
    assert nudges(session) == 1  # the waiting update is announced as soon as they may be told
    session.expire_all()
    assert victim.preferred_channel == "telegram"


def test_a_new_case_lets_its_victim_prove_who_they_are(session):
    apply(session, event(
        "new_case", reference="SP/30001/26", offence="Theft of a bike", reported_on="2026-11-19",
        victim_first_name="Sam", victim_dob="1990-05-06", victim_postcode="sx1 2ab", victim_pin="583920",
        victim_contact_channel="sms", victim_contact_address="+447700900777",
    ))
    case = session.scalar(select(Case).where(Case.reference == "SP/30001/26"))
    [victim] = case.victims
    secret = dob_postcode_secret(dob=date(1990, 5, 6), postcode="SX12AB")
    assert secret_matches(stored_hash=victim.dob_postcode_hash, secret=secret)
    assert secret_matches(stored_hash=victim.pin_hash, secret="583920")
    assert "Here is the latest on SP/30001/26: Reported." in case_update_message(
        session, case_id=case.id, victim_id=victim.id
    )
    assert case.status_changed_at == datetime(2026, 11, 20, 9, 30)
