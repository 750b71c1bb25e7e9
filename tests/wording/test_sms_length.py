"""Every victim-facing message on the SMS path fits in 2 SMS segments (306 GSM-7 characters), options included;
on Telegram, one message."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.directory import render
from bot.directory.needs import NEED_KEYS
from bot.directory.places import resolve_area
from bot.directory.search import search
from bot.models.directory import Agency
from connectors.sms.gsm import count_segments, is_gsm
from connectors.sms.render import render_bodies
from tests.wording.victim_texts import all_texts

ALL_TEXTS = all_texts()
TEXTS = [text for text in ALL_TEXTS if "sms" in text.channels]
TELEGRAM_TEXTS = [text for text in ALL_TEXTS if "telegram" in text.channels]
TELEGRAM_MAX_CHARS = 4096  # Bot API sendMessage: longer text is refused, not split
TIMES = [datetime(2026, 11, 24, 11, 0, tzinfo=timezone.utc), datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)]


def sms_segments(payload: dict) -> list[int]:
    """Segments of each SMS body the message becomes (numbered options added, as the SMS channel sends it)."""
    return [count_segments(body) for body in render_bodies(payload)]


def test_the_collection_covers_every_kind_of_message():
    sources = " ".join(text.source for text in TEXTS)
    for kind in ("utter_safety_advice", "utter_handoff_off_duty", "utter_handoff_joining", "utter_safety_check",
                 "utter_stopped",
                 "notification_text", "rights overview", "status on_bail", "render.SAFETY_LINE",
                 "utter_ask_verification", "utter_contact_code"):
        assert kind in sources, kind


@pytest.mark.parametrize("victim_text", TEXTS, ids=lambda text: text.source)
def test_every_message_is_one_sms_of_at_most_two_segments(victim_text):
    segments = sms_segments(victim_text.payload)
    assert len(segments) == 1 and segments[0] <= 2, (victim_text.source, segments, victim_text.text)


@pytest.mark.parametrize("victim_text", TELEGRAM_TEXTS, ids=lambda text: text.source)
def test_every_telegram_message_is_one_message(victim_text):
    assert 0 < len(victim_text.text) <= TELEGRAM_MAX_CHARS, victim_text.source


def test_sms_gets_its_own_short_variation_where_the_channels_differ():
    help_texts = {text.channels: text.text for text in ALL_TEXTS if text.source.startswith("domain utter_help[")}
    sms_help = next(text for channels, text in help_texts.items() if "sms" in channels)
    assert len(help_texts) >= 2 and count_segments(sms_help) <= 2
    assert max(len(text) for text in help_texts.values()) > len(sms_help)  # Telegram's help lists its commands


@pytest.mark.parametrize("victim_text", TEXTS, ids=lambda text: text.source)
def test_every_message_is_plain_gsm7_so_no_character_costs_a_segment(victim_text):
    assert is_gsm(victim_text.text), victim_text.source


def test_support_results_for_every_need_fit_two_segments_each(directory):
    for need in NEED_KEYS:
        for area in (resolve_area("Fenchester City"), resolve_area("SX20"), None):
            for now in TIMES:
                matches = search(directory, need=need, area=area, now=now)
                for message in render.results_messages(matches, need=need, area=area):
                    assert sms_segments({"text": message}) == [count_segments(message)] and count_segments(
                        message
                    ) <= 2, (need, area, message)


def test_consent_and_referral_texts_fit_two_segments_for_every_agency(directory):
    for agency in directory.query(Agency).all():
        for text in (render.consent_question(agency.name), render.referral_made_text(agency)):
            assert sms_segments({"text": text, "buttons": [{"title": "Yes"}, {"title": "No"}]})[0] <= 2, text
