"""Free text to need keys: synonyms, the longest phrase winning, and labels."""

from __future__ import annotations

import pytest

from bot.directory.needs import NEED_KEYS, load_needs, need_label, need_phrase, normalise_need


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("scammed", "fraud"),
        ("I was scammed online", "fraud"),
        ("Fraud", "fraud"),
        ("fraud or scam", "fraud"),
        ("my house was broken into", "burglary"),
        ("DV", "domestic_abuse"),
        ("my abusive partner", "domestic_abuse"),
        ("domestic_abuse", "domestic_abuse"),
        ("Domestic abuse", "domestic_abuse"),
        ("I was raped", "sexual_violence"),
        ("sexual assault", "sexual_violence"),
        ("hate crime because I'm gay", "hate_crime"),
        ("hate crime because I\u2019m gay", "hate_crime"),
        ("I'm gay and my partner hits me", "domestic_abuse"),
        ("I'm gay", "lgbt"),
        ("someone keeps following me home", "stalking"),
        ("my neighbours are a nightmare", "antisocial_behaviour"),
        ("my son was murdered", "homicide_bereavement"),
        ("hit and run", "road_traffic"),
        ("they took my passport and make me work", "modern_slavery"),
        ("my family want to force me... forced marriage", "honour_based_abuse"),
        ("I have to give evidence at court", "witness_support"),
        ("I'd like to meet the offender", "restorative_justice"),
        ("I'm 15 and being bullied", "young_people"),
        ("my elderly mother", "older_people"),
        ("I can't cope", "mental_health"),
        ("something else", "general"),
    ],
)
def test_free_text_is_normalised_to_a_need(text, need):
    assert normalise_need(text) == need


@pytest.mark.parametrize("text", ["", "   ", None, "no", "hello there", "banana", "danger"])
def test_text_without_a_need_gives_none(text):
    assert normalise_need(text) is None


def test_the_synonym_table_covers_every_need_and_labels_read_well():
    vocabulary = load_needs()
    assert set(vocabulary.labels) == set(NEED_KEYS)
    assert need_label("fraud") == "Fraud or scams"
    assert need_phrase("domestic_abuse") == "domestic abuse"
    assert need_phrase("lgbt") == "LGBT+ support"
