"""Short replies in the support conversation: choices, declines, "open now", skipping the area."""

from __future__ import annotations

import pytest

from bot.directory.dialogue import is_decline, parse_choice, skips_area, wants_open_now

NAMES = ["Southmoor Scam Recovery Service", "Report Fraud", "Victim Support Supportline"]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("1", 0),
        ("2", 1),
        ("3.", 2),
        ("number 2", 1),
        ("the first one", 0),
        ("Second please", 1),
        ("3rd", 2),
        ("the last one", 2),
        ("Report Fraud", 1),
        ("victim support", 2),
        ("scam recovery", 0),
    ],
)
def test_choices(text, index):
    assert parse_choice(text, NAMES) == index


@pytest.mark.parametrize("text", ["4", "the fourth", "banana", "", "support"])
def test_unclear_choices(text):
    assert parse_choice(text, NAMES) is None


@pytest.mark.parametrize("text", ["no", "No thanks!", "no thank you", "none of them", "nope", "not now"])
def test_declines(text):
    assert is_decline(text) is True


@pytest.mark.parametrize("text", ["1", "not sure which", "now", "nothing else but the second"])
def test_not_declines(text):
    assert is_decline(text) is False


def test_open_now_and_skipping_the_area():
    assert wants_open_now("who can I talk to right now?")
    assert wants_open_now("anyone open today")
    assert not wants_open_now("SX4")
    assert skips_area("I'd rather not say")
    assert skips_area("skip")
    assert not skips_area("Fenchester")
