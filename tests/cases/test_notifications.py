"""New shareable updates are announced neutrally, only to verified, consenting, not-opted-out victims."""

from datetime import datetime

from bot.cases.identities import link_verified, opt_out, record_contact
from bot.cases.notifications import mark_notified, notification_text, pending_case_notifications
from bot.handoff.contact_later import ContactAnswer, record_answer
from bot.handoff.queue import open_handoff
from bot.models.cases import CaseUpdate
from bot.settings import get_settings
from bot.wording import CHANNELS
from tests.cases.factories import make_case

WHEN = datetime(2026, 11, 20, 9, 0)


def _case_with_updates(session, **kwargs):
    case, victim = make_case(
        session, updates=[(WHEN, "CCTV reviewed.", True), (WHEN, "POLICE ONLY: suspect named.", False)], **kwargs
    )
    return case, victim


def test_pending_only_for_verified_identities_and_shareable_updates(session):
    case, victim = _case_with_updates(session)
    record_contact(session, channel="webchat", address="not-verified")
    assert pending_case_notifications(session) == []
    link_verified(session, channel="sms", address="+447700900123", victim_id=victim.id)
    pending = pending_case_notifications(session)
    assert len(pending) == 1
    shareable = session.get(CaseUpdate, pending[0].update_id)
    assert shareable.shareable and pending[0].channel == "sms" and pending[0].address == "+447700900123"
    assert (pending[0].case_id, pending[0].victim_id) == (case.id, victim.id)


def test_opted_out_or_no_consent_gets_nothing(session):
    _case, victim = _case_with_updates(session)
    link_verified(session, channel="sms", address="+447700900123", victim_id=victim.id)
    opt_out(session, channel="sms", address="+447700900123")
    assert pending_case_notifications(session) == []
    _case2, victim2 = _case_with_updates(session, reference="SP/20002/26")
    victim2.consent_updates = False
    link_verified(session, channel="telegram", address="77", victim_id=victim2.id)
    assert pending_case_notifications(session) == []


def test_mark_notified_removes_it_from_pending(session):
    _case, victim = _case_with_updates(session)
    link_verified(session, channel="sms", address="+447700900123", victim_id=victim.id)
    [pending] = pending_case_notifications(session)
    mark_notified(session, update_id=pending.update_id)
    assert pending_case_notifications(session) == []


FORBIDDEN = ("victim", "gateway", "crime", "case", "police", "court", "offence", "abuse", "assault", "southmoor")


def test_notification_text_names_nothing_on_any_channel():
    for channel in (*CHANNELS, None):
        text = notification_text(channel)
        assert text == "You have a new message from Haven. Reply UPDATE to read it after a quick check that it's you."
        assert not any(word in text.lower() for word in FORBIDDEN)


def test_the_sender_name_is_a_setting(monkeypatch):
    monkeypatch.setenv("HAVEN_SENDER_NAME", "Sam")
    get_settings.cache_clear()
    try:
        assert notification_text("sms").startswith("You have a new message from Sam. ")
    finally:
        get_settings.cache_clear()


def test_nobody_is_nudged_after_saying_it_is_not_safe_to_message_them_later(session):
    _case, victim = _case_with_updates(session)
    link_verified(session, channel="sms", address="+447700900123", victim_id=victim.id)
    handoff = open_handoff(session, sender_id="sms:+447700900123", channel="sms", reason="risk", level="high")
    assert len(pending_case_notifications(session)) == 1
    record_answer(session, sender_id=handoff.sender_id, answer=ContactAnswer("no", "no"))
    assert pending_case_notifications(session) == []
    record_answer(session, sender_id=handoff.sender_id, answer=ContactAnswer("time", "after 6pm"))
    assert pending_case_notifications(session) == []  # a person judges the time; nothing automatic
    record_answer(session, sender_id=handoff.sender_id, answer=ContactAnswer("yes", "yes it's fine now"))
    assert len(pending_case_notifications(session)) == 1
