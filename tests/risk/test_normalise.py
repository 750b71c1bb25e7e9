"""Typed text reaches the patterns cleaned (bot.text) with SMS spellings expanded (sms_normalisation.yml)."""

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
        ("heelp mee", "help me"),  # runs already cut to two by the channels
        ("plzzz", "please"),
        ("he\u00a0put his hands round my ne\u200bck", "he put his hands round my neck"),
        ("\uff4b\u0456ll", "kill"),
    ],
)
def test_sms_forms_are_normalised(screener: RiskScreener, typed: str, seen: str) -> None:
    assert screener.normalise(typed) == seen


def test_words_inside_other_words_are_left_alone(screener: RiskScreener) -> None:
    assert screener.normalise("4th umbrella usual imagine") == "4th umbrella usual imagine"
