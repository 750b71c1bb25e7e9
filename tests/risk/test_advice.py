"""The safety messages: correct UK numbers, GSM-7 only, short enough for SMS, safety question where needed."""

from __future__ import annotations

import pytest
import yaml

from bot.risk.advice import is_gsm7, safety_message
from tests.risk.conftest import RISK_DIR

CATEGORIES = list(yaml.safe_load((RISK_DIR / "advice.yml").read_text(encoding="utf-8"))["categories"])
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


@pytest.mark.parametrize(("category", "numbers"), NUMBERS.items())
def test_category_message_gives_its_helpline(category: str, numbers: list[str]) -> None:
    message = safety_message(category, "high", "webchat")
    for number in numbers:
        assert number in message


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("channel", ["sms", "telegram", "webchat"])
@pytest.mark.parametrize("level", ["imminent", "high", "medium"])
def test_every_message_mentions_999_and_is_short_gsm7(category: str, channel: str, level: str) -> None:
    message = safety_message(category, level, channel)
    assert "999" in message and "55" in message
    assert is_gsm7(message), message
    assert len(message) <= 320


def test_imminent_message_leads_with_999_and_the_silent_solution() -> None:
    message = safety_message("imminent_danger", "imminent", "sms")
    assert message.startswith("If you are in danger now, call 999")
    assert "press 55" in message


@pytest.mark.parametrize("category", ASKS_IF_SAFE)
def test_abuse_categories_ask_if_it_is_safe_to_message(category: str) -> None:
    assert "Is it safe for you to message here?" in safety_message(category, "medium", "webchat")


@pytest.mark.parametrize("category", ASKS_IF_SAFE)
def test_phone_channels_warn_that_others_may_read_the_phone(category: str) -> None:
    for channel in ("sms", "telegram"):
        assert "Others may read this phone" in safety_message(category, "high", channel)
    assert "Others may read this phone" not in safety_message(category, "high", "webchat")


def test_unknown_category_falls_back_to_the_default_message() -> None:
    message = safety_message(None, None, "rest")
    assert "999" in message and "Is it safe for you to message here?" in message


def test_gsm7_check_refuses_emoji_and_curly_quotes() -> None:
    assert not is_gsm7("you\u2019re safe")
    assert not is_gsm7("hello \U0001f600")
    assert is_gsm7("Call 999 (press 55): 'now'")
