"""The case feed's contact_preferences event reaches the safe-contact table."""

from __future__ import annotations

from bot.contact import preferences
from bot.feed.apply import apply_event
from bot.feed.schema import CaseEventBody
from tests.contact.factories import nudges, victim_with_an_update
from tests.feed.conftest import event


def test_a_preferred_channel_from_the_feed_comes_first_and_gets_the_nudge(session):
    victim = victim_with_an_update(session, telegram=True)
    preferences.save(session, victim, preferences.Preferences(channels=("sms",)), updated_by="staff:1")
    body = event("contact_preferences", preferred_channel="telegram")
    apply_event(session, CaseEventBody.parse_obj(body).__root__, source="force-rms")
    session.commit()
    assert preferences.load(session, victim).channels == ("telegram", "sms")
    assert [nudge.channel for nudge in nudges(session)] == ["telegram"]  # queued (perhaps for later), never dropped
