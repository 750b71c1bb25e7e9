"""The safety advice (domain response utter_safety_advice): right UK numbers, GSM-7, SMS-sized, one per category."""

from __future__ import annotations

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter

from bot.risk.advice import RESPONSE, advice_variations, is_gsm7, safety_message
from bot.risk.patterns import load_entries
from tests.risk.conftest import RISK_DIR

SCREEN_CATEGORIES = sorted({entry.category for entry in load_entries(RISK_DIR)})
CHANNELS = ["sms", "telegram", "webchat", "rest"]
NUMBERS = {
    "self_harm": ["116 123", "85258"],
    "child_at_risk": ["0800 1111", "0808 800 5000"],
    "sexual_violence": ["0808 500 2222"],
    "stalking": ["0808 802 0300"],
    "honour_based_abuse": ["0800 5999 247", "020 7008 0151"],
    "modern_slavery": ["08000 121 700"],
    "domestic_abuse": ["0808 2000 247"],
    "strangulation": ["0808 2000 247"],
}
ASKS_IF_SAFE = ["domestic_abuse", "stalking", "honour_based_abuse", "child_at_risk"]


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
def test_every_message_mentions_999_and_is_short_gsm7(category: str | None, channel: str) -> None:
    message = safety_message(category, channel)
    assert "999" in message and "55" in message
    assert is_gsm7(message), message
    assert len(message) <= 320


def test_imminent_danger_leads_with_999_and_the_silent_solution() -> None:
    message = safety_message("imminent_danger", "sms")
    assert message.startswith("If you are in danger now, call 999")
    assert "press 55" in message


@pytest.mark.parametrize("category", ASKS_IF_SAFE)
def test_abuse_categories_ask_if_it_is_safe_to_message(category: str) -> None:
    assert "Is it safe for you to message here?" in safety_message(category, "webchat")


@pytest.mark.parametrize("category", [*ASKS_IF_SAFE, "default", None])
def test_phone_channels_warn_that_others_may_read_the_phone(category: str | None) -> None:
    for channel in ("sms", "telegram"):
        assert "Others may read this phone" in safety_message(category, channel)
    for channel in ("webchat", "rest"):
        assert "Others may read this phone" not in safety_message(category, channel)


def test_unknown_category_falls_back_to_the_default_message() -> None:
    message = safety_message("not_a_category", "rest")
    assert message == safety_message(None, "rest")
    assert "999" in message and "Is it safe for you to message here?" in message


def test_gsm7_check_refuses_emoji_and_curly_quotes() -> None:
    assert not is_gsm7("you\u2019re safe")
    assert not is_gsm7("hello \U0001f600")
    assert is_gsm7("Call 999 (press 55): 'now'")
