"""SMS spellings are expanded from data/risk/sms_normalisation.yml before matching."""

from __future__ import annotations

import pytest

from bot.risk.screener import RiskScreener


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("im gonna", "i'm going to"),
        ("kms", "kill myself"),
        ("thx 4 ur help", "thanks for your help"),
        ("u wanna", "you want to"),
        ("cant b4", "can't before"),
        ("dont pls m8", "don't please mate"),
        ("HELPPPP", "help"),
        ("killlll", "kill"),
        ("pleeease", "please"),
        ("he\u2019s", "he's"),
        ("threatend", "threatened"),
    ],
)
def test_sms_forms_are_normalised(screener: RiskScreener, typed: str, seen: str) -> None:
    assert screener.normalise(typed) == seen


def test_words_inside_other_words_are_left_alone(screener: RiskScreener) -> None:
    assert screener.normalise("4th umbrella usual imagine") == "4th umbrella usual imagine"
