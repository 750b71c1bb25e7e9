"""referral_form and the referral: which listed service, explicit consent, and nothing recorded without it."""

from __future__ import annotations

from datetime import datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from sqlalchemy import select

from actions.support import ActionAskReferralConsent, ActionMakeReferral, ValidateReferralForm
from bot.directory.search import contact_line
from bot.models.directory import Agency, Referral
from connectors.sms.gsm import count_segments
from tests.actions.support_trackers import SENDER, make_tracker, real_directory, run

LISTED = ["southmoor-scam-recovery", "southmoor-older-peoples-safety", "southmoor-victim-care-hub"]
NO_REFERRAL = "That's fine, no referral has been made. You can contact them yourself whenever you like."


def choice_tracker(
    text: str, intent: str = "inform", listed: list[str] | None = None, sender: str = SENDER
) -> Tracker:
    return make_tracker(
        text,
        intent=intent,
        slots={"support_results": LISTED if listed is None else listed, "need": "fraud", "area": "SX4"},
        candidates={"referral_choice": text},
        requested_slot="referral_choice",
        active_loop="referral_form",
        sender=sender,
    )


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("2", "southmoor-older-peoples-safety"),
        ("the first one", "southmoor-scam-recovery"),
        ("Southmoor Victim Care Hub", "southmoor-victim-care-hub"),
        ("3rd", "southmoor-victim-care-hub"),
    ],
)
async def test_referral_choice_by_number_ordinal_or_name(session, text, slug):
    real_directory(session)
    events, messages = await run(ValidateReferralForm(), choice_tracker(text))
    assert events == [SlotSet("referral_choice", slug)]
    assert messages == []


@pytest.mark.parametrize("text", ["no", "No thanks"])
async def test_declining_ends_the_form_without_a_referral(session, text):
    real_directory(session)
    events, messages = await run(ValidateReferralForm(), choice_tracker(text, intent="deny"))
    assert events == [SlotSet("referral_choice", "none"), SlotSet("referral_consent", False)]
    assert messages == []


async def test_an_unclear_choice_is_asked_again_with_the_numbers_listed(session):
    real_directory(session)
    events, messages = await run(ValidateReferralForm(), choice_tracker("7"))
    assert events == [SlotSet("referral_choice", None)]
    assert [message["text"] for message in messages] == ["Sorry, which one? Reply with 1, 2, 3, or say no."]
    _events, messages = await run(ValidateReferralForm(), choice_tracker("7", listed=LISTED[:2]))
    assert [message["text"] for message in messages] == ["Sorry, which one? Reply with 1, 2, or say no."]


async def test_a_helpline_that_takes_no_referrals_is_explained(session):
    real_directory(session)
    events, messages = await run(ValidateReferralForm(), choice_tracker("1", listed=["report-fraud"]))
    assert events == [SlotSet("referral_choice", None)]
    assert [message["text"] for message in messages] == [
        "Report Fraud doesn't take referrals through Haven, but you can contact them "
        "directly: Call 0300 123 2040; www.reportfraud.police.uk. Reply with another "
        "number, or say no."
    ]


async def test_the_explanation_fits_two_sms_segments_for_every_service_that_takes_no_referrals(session):
    directory = real_directory(session)
    helplines = directory.scalars(select(Agency).where(Agency.accepts_referrals.is_(False))).all()
    assert helplines
    for agency in helplines:
        tracker = choice_tracker("1", listed=[agency.slug], sender="sms:+447700900123")
        _events, messages = await run(ValidateReferralForm(), tracker)
        text = messages[0]["text"]
        assert text.startswith(f"{agency.name} doesn't take referrals") and contact_line(agency) in text
        assert count_segments(text) <= 2, text


async def test_consent_is_asked_explicitly(session):
    real_directory(session)
    events, messages = await run(
        ActionAskReferralConsent(),
        make_tracker("1", slots={"referral_choice": "southmoor-scam-recovery"}, requested_slot="referral_consent"),
    )
    assert events == []
    assert messages == [
        {
            "text": "To refer you, I'll share your first name and how to contact you on this channel with Southmoor "
            "Scam Recovery Service, and they will contact you. Do you agree?",
            "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
        }
    ]


async def test_consent_yes_records_the_referral(session):
    directory = real_directory(session)
    slots = {"referral_choice": "southmoor-scam-recovery", "referral_consent": True, "need": "fraud", "area": "SX4"}
    events, messages = await run(ActionMakeReferral(), make_tracker("yes", intent="affirm", slots=slots))
    assert events == [SlotSet("referral_choice", None), SlotSet("referral_consent", None)]
    assert [message["text"] for message in messages] == [
        "Thank you. I've passed your referral to Southmoor Scam Recovery Service, and they will contact you on this "
        "channel. If you need them sooner, you can contact them yourself: Call 01632 960107; "
        "scamrecovery.southmoor.example."
    ]
    referral = directory.scalars(select(Referral)).one()
    agency = directory.get(Agency, referral.agency_id)
    assert (agency.slug, referral.sender_id, referral.channel, referral.need, referral.area, referral.status) == (
        "southmoor-scam-recovery",
        SENDER,
        "telegram",
        "fraud",
        "SX4",
        "new",
    )
    assert referral.consent_given_at == datetime(2026, 11, 18, 11, 6, 40)


@pytest.mark.parametrize(
    "slots",
    [
        {"referral_choice": "southmoor-scam-recovery", "referral_consent": False},
        {"referral_choice": "none", "referral_consent": False},
        {"referral_choice": "southmoor-scam-recovery", "referral_consent": None},
    ],
)
async def test_without_consent_no_referral_is_recorded(session, slots):
    directory = real_directory(session)
    events, messages = await run(
        ActionMakeReferral(), make_tracker("no", intent="deny", slots={**slots, "need": "fraud", "area": "SX4"})
    )
    assert events == [SlotSet("referral_choice", None), SlotSet("referral_consent", None)]
    assert [message["text"] for message in messages] == [NO_REFERRAL]
    assert directory.scalars(select(Referral)).all() == []
