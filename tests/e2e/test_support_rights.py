"""End to end over the REST channel: support finder with consent, rights, reporting, honesty about being a bot."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.slow


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_support_finder_lists_three_and_refers_only_with_consent(haven):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    first = texts(haven.say(sender, "I was scammed online and lost money"))
    assert "area" in first.lower() or "postcode" in first.lower()
    results = texts(haven.say(sender, "Fenchester"))
    assert "1." in results and "2." in results and "3." in results
    assert "refer" in results.lower()
    consent_question = texts(haven.say(sender, "1"))
    assert "agree" in consent_question.lower()
    done = texts(haven.say(sender, "yes"))
    assert "referr" in done.lower()


def test_declining_a_referral_makes_none(haven):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    haven.say(sender, "my house was burgled and I need support")
    haven.say(sender, "SX4")
    reply = texts(haven.say(sender, "no thanks"))
    assert "no referral" in reply.lower()


def test_rights_are_explained_in_plain_words(haven):
    reply = texts(haven.say(f"v-{uuid.uuid4().hex[:8]}", "what are my rights as a victim?"))
    assert "Victims' Code" in reply or "Victims Code" in reply


def test_haven_does_not_take_crime_reports(haven):
    reply = texts(haven.say(f"v-{uuid.uuid4().hex[:8]}", "I want to report a crime"))
    assert "999" in reply and "101" in reply


def test_haven_is_honest_about_being_automated(haven):
    reply = texts(haven.say(f"v-{uuid.uuid4().hex[:8]}", "am I talking to a real person?"))
    assert "automated" in reply


def test_naming_domestic_abuse_as_the_need_finds_support_instead_of_pausing(haven):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    haven.say(sender, "I need some support")
    area_question = texts(haven.say(sender, "domestic abuse"))
    assert "area" in area_question.lower() or "postcode" in area_question.lower()
    results = texts(haven.say(sender, "SX4"))
    assert "services for domestic abuse" in results and "1." in results
