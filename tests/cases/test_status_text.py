"""Every case status has plain, GSM-7 friendly wording and the Victims' Code sentence is right."""

import re

import pytest

from bot.cases.status_text import entitlement_text, status_text
from bot.models.cases import CASE_STATUSES

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)


@pytest.mark.parametrize("status", CASE_STATUSES)
def test_every_status_explains_meaning_and_next_steps(status):
    wording = status_text(status)
    assert wording.label and len(wording.meaning) > 40 and len(wording.next_steps) > 40
    for text in (wording.label, wording.meaning, wording.next_steps):
        assert set(text) <= GSM7_BASIC, set(text) - GSM7_BASIC


def test_released_under_investigation_says_there_are_no_bail_conditions():
    wording = status_text("released_under_investigation")
    assert "released while the police carry on investigating" in wording.meaning
    assert "no bail conditions" in wording.meaning


def test_bail_may_or_may_not_come_with_conditions():
    assert "There may be rules, called bail conditions" in status_text("on_bail").meaning


@pytest.mark.parametrize("status", CASE_STATUSES)
def test_sentences_are_short(status):
    wording = status_text(status)
    for text in (wording.meaning, wording.next_steps):
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            assert len(sentence.split()) <= 25, sentence


def test_unknown_status_is_refused():
    with pytest.raises(KeyError):
        status_text("solved_by_magic")


def test_entitlement_five_or_one_working_days():
    assert "within 5 working days" in entitlement_text(enhanced=False)
    enhanced = entitlement_text(enhanced=True)
    assert "within 1 working day" in enhanced
    for meaning in ("very serious", "targeted again and again", "harder to take part or be put under pressure"):
        assert meaning in enhanced
    assert "vulnerable or intimidated" not in enhanced
    assert set(enhanced) <= GSM7_BASIC
