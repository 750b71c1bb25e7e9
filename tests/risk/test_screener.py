"""Screening behaviour a victim would notice: negation, past harm, SMS spelling, most severe wins, speed."""

from __future__ import annotations

import time

import pytest

from bot.risk import RiskResult, screen
from bot.risk.screener import RiskScreener


@pytest.mark.parametrize(
    "text",
    [
        "I'm not in danger",
        "he didn't threaten me",
        "that was years ago, I'm safe now",
        "no one hurt me",
        "nobody has ever hurt me",
        "he never hit me",
        "I'm not suicidal, just fed up with waiting",
        "he used to be controlling but that was years ago and I'm safe now",
        "I'm dying to know my court date",
        "this is killing me waiting",
        "my phone died",
        "there was no violence",
        "can you help me with my case update",
    ],
)
def test_negated_resolved_and_idiomatic_messages_do_not_escalate(screener: RiskScreener, text: str) -> None:
    assert screener.screen(text) == RiskResult()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("he said he'd kill me if I leave", "threat_to_life"),
        ("I'm not safe", "imminent_danger"),
        ("i don't feel safe at home", "imminent_danger"),
        ("he won't stop threatening me", "threat_to_life"),
        ("i don't want to live anymore", "self_harm"),
    ],
)
def test_danger_escalates_even_with_negative_words(screener: RiskScreener, text: str, category: str) -> None:
    result = screener.screen(text)
    assert result.escalate and result.category == category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i wanna kms", "self_harm"),
        ("im gona kill myself", "self_harm"),
        ("hes gonna kill me", "threat_to_life"),
        ("HELLLPPP hes hereee", "imminent_danger"),
        ("he threatend 2 stab me", "threat_to_life"),
        ("pls help me hes outside", "imminent_danger"),
        ("he\u2019s got a knife", "weapons"),
        ("ur dead wen i find u", "threat_to_life"),
    ],
)
def test_sms_spellings_still_escalate(screener: RiskScreener, text: str, category: str) -> None:
    result = screener.screen(text)
    assert result.escalate and result.category == category


def test_past_harm_without_resolution_escalates_at_medium(screener: RiskScreener) -> None:
    result = screener.screen("he used to hit me")
    assert (result.escalate, result.level, result.category) == (True, "medium", "domestic_abuse")


def test_past_child_sexual_abuse_still_escalates_at_medium_even_when_safe_now(screener: RiskScreener) -> None:
    result = screener.screen("I was sexually abused as a child, I'm safe now but I need to talk")
    assert (result.escalate, result.level) == (True, "medium")


def test_resolved_harm_does_not_hide_current_danger_in_another_sentence(screener: RiskScreener) -> None:
    result = screener.screen("He hit me years ago and I'm safe now. But today he said he will kill me.")
    assert (result.escalate, result.level, result.category) == (True, "high", "threat_to_life")


def test_most_severe_level_wins_and_all_matches_are_listed(screener: RiskScreener) -> None:
    result = screener.screen("my husband hits me and now he's outside with a knife")
    assert result.level == "imminent"
    categories = {label.split(":", 1)[0] for label in result.matched}
    assert {"domestic_abuse", "imminent_danger", "weapons"} <= categories
    assert result.category in {"imminent_danger", "weapons"}


def test_equal_levels_follow_the_category_priority(screener: RiskScreener) -> None:
    result = screener.screen("he strangled me and he stalks me")
    assert (result.level, result.category) == ("high", "strangulation")


def test_to_dict_has_exactly_the_interface_keys(screener: RiskScreener) -> None:
    data = screener.screen("he raped me").to_dict()
    assert set(data) == {"escalate", "level", "category", "matched", "score", "band", "explanation"}
    assert data["score"] is None and data["band"] == "escalate"  # patterns alone: no model score
    assert data["escalate"] is True and data["category"] == "sexual_violence"


def test_empty_message_does_not_escalate(screener: RiskScreener) -> None:
    data = screener.screen("").to_dict()
    assert (data["escalate"], data["level"], data["category"], data["matched"], data["band"]) == (
        False, None, None, [], "none")


def test_module_level_screen_uses_the_configured_patterns() -> None:
    assert screen("i want to kill myself").category == "self_harm"


def test_screening_takes_well_under_five_milliseconds(screener: RiskScreener) -> None:
    messages = ["he said he would kill me if i leave and hes outside now", "can i get an update on my case pls"]
    for text in messages:
        screener.screen(text)
    rounds = 100
    started = time.perf_counter()
    for _ in range(rounds):
        for text in messages:
            screener.screen(text)
    mean_ms = (time.perf_counter() - started) * 1000 / (rounds * len(messages))
    assert mean_ms < 5


@pytest.mark.parametrize(
    "text", ["domestic abuse", "It was domestic violence.", "forced marriage help", "its stalking"]
)
def test_a_message_that_only_names_a_topic_is_not_escalated(text: str) -> None:
    assert screen(text).escalate is False


@pytest.mark.parametrize(
    "text",
    ["i was trafficked here", "hes stalking me", "domestic abuse, he is hitting me now", "my partner is abusing me"],
)
def test_a_topic_word_inside_a_disclosure_still_escalates(text: str) -> None:
    assert screen(text).escalate is True
