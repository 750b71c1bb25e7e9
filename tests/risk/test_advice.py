"""The safety advice (domain response utter_safety_advice): right UK numbers, GSM-7, 2 SMS segments, per category."""

from __future__ import annotations

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter

from bot.risk.advice import RESPONSE, advice_variations, is_gsm7, safety_message
from bot.risk.patterns import load_entries
from tests.risk.conftest import RISK_DIR

SCREEN_CATEGORIES = sorted({entry.category for entry in load_entries(RISK_DIR)})
CHANNELS = ["sms", "telegram", "webchat", "rest"]
TWO_SMS_SEGMENTS = 306
NUMBERS = {
    "self_harm": ["116 123", "85258", "NHS 111"],
    "child_at_risk": ["0800 1111", "0808 800 5000"],
    "sexual_violence": ["0808 500 2222"],
    "stalking": ["0808 802 0300"],
    "honour_based_abuse": ["0800 5999 247", "020 7008 0151", "020 7008 1500"],
    "modern_slavery": ["08000 121 700"],
    "domestic_abuse": ["0808 2000 247"],
    "strangulation": ["0808 2000 247"],
}
WARNS_ON_PHONES = ["domestic_abuse", "stalking", "honour_based_abuse", "child_at_risk", "strangulation", "default"]


def variations_for(category: str | None, channel: str) -> list[dict]:
    responses = {RESPONSE: list(advice_variations())}
    return ResponseVariationFilter(responses).responses_for_utter_action(RESPONSE, channel, {"risk_category": category})


def test_every_category_the_screen_reports_has_its_own_variation() -> None:
    conditioned = {
        condition["value"] for variation in advice_variations() for condition in variation.get("condition") or []
    }
    assert set(SCREEN_CATEGORIES) | {"default"} <= conditioned


@pytest.mark.parametrize("category", [*SCREEN_CATEGORIES, "default", None])
@pytest.mark.parametrize("channel", CHANNELS)
def test_exactly_one_variation_fits_so_rasa_never_picks_at_random(category: str | None, channel: str) -> None:
    assert len(variations_for(category, channel)) == 1


@pytest.mark.parametrize(("category", "numbers"), NUMBERS.items())
def test_category_message_gives_its_helpline(category: str, numbers: list[str]) -> None:
    message = safety_message(category, "webchat")
    for number in numbers:
        assert number in message


@pytest.mark.parametrize("category", [*SCREEN_CATEGORIES, None])
@pytest.mark.parametrize("channel", CHANNELS)
def test_every_message_gives_999_and_55_and_fits_two_sms_segments(category: str | None, channel: str) -> None:
    message = safety_message(category, channel)
    assert "999" in message and "press 55 when asked" in message
    assert is_gsm7(message), message
    assert len(message) <= TWO_SMS_SEGMENTS, (category, channel, len(message))


@pytest.mark.parametrize("category", [c for c in [*SCREEN_CATEGORIES, None] if c != "self_harm"])
def test_a_landline_caller_is_told_to_stay_on_the_line(category: str | None) -> None:
    assert "on a landline stay on the line" in safety_message(category, "sms")


@pytest.mark.parametrize("category", ["imminent_danger", None])
def test_deaf_and_speech_impaired_people_hear_how_to_register_for_emergency_sms(category: str | None) -> None:
    message = safety_message(category, "sms")
    assert "emergencySMS" in message and "text register to 999" in message


def test_imminent_danger_leads_with_999() -> None:
    assert safety_message("imminent_danger", "sms").startswith("If you are in danger now, call 999")


def test_self_harm_advice_starts_with_first_aid_and_offers_the_nhs_mental_health_option() -> None:
    message = safety_message("self_harm", "sms")
    assert message.startswith("If you have hurt yourself or taken something, call 999")
    assert "go to A&E" in message
    assert "call NHS 111 and choose the mental health option" in message


def test_strangulation_advice_sends_them_to_be_checked_even_without_marks() -> None:
    message = safety_message("strangulation", "sms")
    assert "even with no marks" in message and "A&E" in message


def test_childline_is_offered_to_under_19s() -> None:
    assert "Childline (under 19s)" in safety_message("child_at_risk", "webchat")


def test_the_forced_marriage_unit_out_of_hours_line_is_given() -> None:
    assert "020 7008 1500 when it is closed" in safety_message("honour_based_abuse", "webchat")


@pytest.mark.parametrize("category", [*SCREEN_CATEGORIES, None])
@pytest.mark.parametrize("channel", CHANNELS)
def test_the_advice_promises_no_reply_and_asks_nothing_nobody_may_read(category: str | None, channel: str) -> None:
    message = safety_message(category, channel).lower()
    for promise in ("will reply", "member of our team", "as soon as possible", "safe for you to message", "?\""):
        assert promise not in message


@pytest.mark.parametrize("category", [*WARNS_ON_PHONES, None])
def test_phone_channels_warn_that_others_may_read_the_phone(category: str | None) -> None:
    for channel in ("sms", "telegram"):
        assert "Others may read this phone" in safety_message(category, channel)
    for channel in ("webchat", "rest"):
        assert "Others may read this phone" not in safety_message(category, channel)


def test_unknown_category_falls_back_to_the_default_message() -> None:
    message = safety_message("not_a_category", "rest")
    assert message == safety_message(None, "rest") == safety_message("default", "rest")
    assert "999" in message


def test_gsm7_check_refuses_emoji_and_curly_quotes() -> None:
    assert not is_gsm7("you\u2019re safe")
    assert not is_gsm7("hello \U0001f600")
    assert is_gsm7("Call 999 (press 55): 'now'")
