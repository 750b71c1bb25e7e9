"""The whole screen on the trained model: the issue's missed messages now reach a person; idioms do not."""

from __future__ import annotations

import pytest

from bot.risk.layered import build_layered_screen, default_layered_screen
from bot.settings import get_settings

NOW_REACH_A_PERSON = [
    "honestly whats the point anymore, i have the pills here",
    "I have the pills in front of me",
    "I bought rope today",
    "he told me I'm dead if I talk to the police again",
    "he said next time he won't miss",
    "can't talk he's here. please help",
    "I've written letters to my family saying goodbye",
    "he gets out of prison next week and I'm terrified of what he'll do to me",
    "HELP PLS",
    "please someone help me",
]
NEVER_ESCALATED = [
    "this queue is killing me",
    "dying to know my court date",
    "domestic abuse support",
    "is there a forced marriage helpline?",
    "any news on my case SP/10001/26?",
    "01/02/1980 SX1 2AB",
    "thanks so much",
]


@pytest.fixture(scope="module")
def screen():
    return default_layered_screen()


@pytest.mark.parametrize("text", NOW_REACH_A_PERSON)
def test_the_issues_missed_messages_escalate(screen, text) -> None:
    result = screen.screen(text)
    assert result.escalate, (text, result.score)
    assert result.explanation["nearest"], "staff see the nearest training examples"


@pytest.mark.parametrize("text", ["help", "HELP"])
def test_a_bare_cry_gets_at_least_the_safety_check(screen, text) -> None:
    assert screen.screen(text).effective_band in {"uncertain", "escalate"}


@pytest.mark.parametrize("text", NEVER_ESCALATED)
def test_everyday_and_idiomatic_messages_do_not_escalate(screen, text) -> None:
    assert not screen.screen(text).escalate


def test_danger_at_the_end_of_a_very_long_message_is_found(screen) -> None:
    text = "I wanted to ask about the court date and whether I can bring my sister. " * 250
    result = screen.screen(text + " He has just come back and he has a knife, I'm hiding upstairs.")
    assert len(text) >= 18000 and result.escalate


def test_without_a_trained_model_the_patterns_work_alone(tmp_path) -> None:
    settings = get_settings()
    alone = build_layered_screen(settings.risk_patterns_dir, tmp_path, settings.encoder_dir)
    assert alone.head is None
    assert alone.screen("he said he'd kill me").escalate
    assert alone.screen("he said he'd kill me").score is None
