"""Plain English for a reading age of about 9 to 11: short sentences, everyday words, UK spelling, no labels."""

from __future__ import annotations

import re
import statistics

import pytest
import textstat

from tests.wording.victim_texts import all_texts

TEXTS = all_texts()
PROSE = [text for text in TEXTS if len(text.text.split()) >= 8]
MAX_SENTENCE_WORDS = 30
MAX_GRADE = 9.0  # Flesch-Kincaid grade of any one message (reading age about 14, for names like "CICA")
MAX_MEAN_GRADE = 5.0  # across all messages: reading age about 10
US_SPELLINGS = (
    "color", "behavior", "center", "organize", "organization", "recognize", "apologize", "program ", "counseling",
    "analyze", "traveled", "favorite", "neighbor", "honor ", "defense", "offense", "license ", "gray", "mom ",
    "realize", "criticize", "enrollment", "fulfill ", "judgement call",
)
LABELS = ("vulnerable or intimidated", "vulnerable victim", "intimidated victim")


@pytest.fixture(scope="module", autouse=True)
def british_english():
    textstat.set_lang("en_GB")


def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+|\n+", text) if part.strip()]


@pytest.mark.parametrize("victim_text", PROSE, ids=lambda text: text.source)
def test_no_sentence_is_too_long_to_follow(victim_text):
    for sentence in sentences(victim_text.text):
        assert len(sentence.split()) <= MAX_SENTENCE_WORDS, (victim_text.source, sentence)


@pytest.mark.parametrize("victim_text", PROSE, ids=lambda text: text.source)
def test_each_message_is_easy_to_read(victim_text):
    assert textstat.flesch_kincaid_grade(victim_text.text) <= MAX_GRADE, victim_text.source


def test_messages_read_at_about_age_9_to_11_on_average():
    mean = statistics.mean(textstat.flesch_kincaid_grade(text.text) for text in PROSE)
    assert mean <= MAX_MEAN_GRADE, mean


@pytest.mark.parametrize("victim_text", TEXTS, ids=lambda text: text.source)
def test_uk_spelling_and_no_labels_for_the_victim(victim_text):
    lowered = f"{victim_text.text.lower()} "
    for word in US_SPELLINGS:
        assert word not in lowered, (victim_text.source, word)
    for label in LABELS:
        assert label not in lowered, (victim_text.source, label)
