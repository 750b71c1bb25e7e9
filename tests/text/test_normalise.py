"""The one normaliser (bot.text): what Rasa and the risk screen read for text typed in awkward ways."""

from __future__ import annotations

import pytest

from bot.text.characters import clean_characters
from bot.text.lookalikes import lookalike_table, unmask_lookalikes
from bot.text.normalise import normalise_text

NECK = "he put his hands round my neck"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        pytest.param("he put his hands\u00a0round my neck", NECK, id="no-break-space"),
        pytest.param("he put his hands\u202fround\u2007my\u3000neck", NECK, id="narrow-figure-ideographic-spaces"),
        pytest.param("he put his hands round my ne\u200bck", NECK, id="zero-width-space-in-a-word"),
        pytest.param("he\u200c put\u200d his\u2060 hands\ufeff round my n\u00adeck", NECK, id="joiners-bom-shy"),
        pytest.param("he put his hands\u3164round my neck", NECK, id="hangul-filler-as-a-gap"),
        pytest.param("k\u0456ll", "kill", id="cyrillic-i"),
        pytest.param("he s\u0430id he'll kill me", "he said he'll kill me", id="cyrillic-a"),
        pytest.param("\u039a\u0399LL", "KILL", id="greek-capitals"),
        pytest.param("\u043aill", "kill", id="cyrillic-ka"),
        pytest.param("\uff4b\uff49\uff4c\uff4c \uff2d\uff25", "kill ME", id="fullwidth"),
        pytest.param("\U0001d424\U0001d422\U0001d425\U0001d425", "kill", id="mathematical-bold"),
        pytest.param("\u24da\u24d8\u24db\u24db", "kill", id="circled"),
        pytest.param("\u029c\u1d07\u029f\u1d18 \u1d0d\u1d07", "help me", id="small-capitals"),
        pytest.param("k\u0336i\u0336l\u0336l\u0336", "kill", id="strike-through-marks"),
        pytest.param("k\u00edll m\u00eb", "kill me", id="accents-on-english-letters"),
        pytest.param("\ufb01re", "fire", id="ligature"),
        pytest.param("heeelp meee", "heelp mee", id="repeated-letters-cut-to-two"),
        pytest.param("HELPPPPP", "HELPP", id="repeated-capitals"),
        pytest.param("ki\x00l\x07l\x1b me", "kill me", id="control-characters"),
        pytest.param("he\tis\x0bhere", "he is here", id="tab-and-vertical-tab-are-gaps"),
        pytest.param("\u202ekill\u202c \u200fme\u200e", "kill me", id="bidi-override-and-marks"),
        pytest.param("he\u2066 is\u2069 here\u061c", "he is here", id="bidi-isolates-and-arabic-mark"),
        pytest.param("he\u2019s here", "he's here", id="curly-apostrophe"),
        pytest.param("  he is\r\nhere \u2028 now\n\n\n\nplease  ", "he is\nhere\nnow\n\nplease", id="line-breaks"),
        pytest.param("he is \ud800here", "he is here", id="lone-surrogate"),
    ],
)
def test_awkward_text_reads_as_plain_text(typed: str, read: str) -> None:
    assert normalise_text(typed) == read
    assert normalise_text(read) == read  # applying it again changes nothing


@pytest.mark.parametrize(
    "kept",
    [
        pytest.param("SP/10001/26", id="crime-reference"),
        pytest.param("call me on 07700 900111, 1000 times", id="digits-never-squeezed"),
        pytest.param("I feel really good, will you call?", id="real-double-letters"),
        pytest.param("\U0001f622\U0001f622\U0001f622 \u2764\ufe0f \U0001f198", id="emoji"),
        pytest.param("ساعدني من فضلك", id="arabic"),
        pytest.param("помогите мне", id="russian"),
        pytest.param("βοήθεια", id="greek"),
        pytest.param("मदद करो", id="devanagari-with-vowel-signs"),
        pytest.param("he is outside, помогите", id="mixed-scripts-words-kept"),
    ],
)
def test_ordinary_text_and_other_scripts_are_left_alone(kept: str) -> None:
    assert normalise_text(kept) == kept


@pytest.mark.parametrize("typed", ["", None, "   ", "\u200b\u200b", "\u202e\u200f", "\x00\x07\n\t"])
def test_nothing_visible_becomes_empty(typed: str | None) -> None:
    assert normalise_text(typed) == ""


def test_a_fullwidth_crime_reference_reads_as_the_reference() -> None:
    assert normalise_text("\uff33\uff30\uff0f\uff11\uff10\uff10\uff10\uff11\uff0f\uff12\uff16") == "SP/10001/26"


def test_look_alikes_are_only_rewritten_where_they_disguise_english() -> None:
    assert unmask_lookalikes("\u0441\u043e\u0440") == "cop"  # all look-alikes, nothing else: read as English
    russian = "\u0441\u043e\u0440 \u0438 \u043b\u0438\u0441"  # has letters with no English look-alike
    assert unmask_lookalikes(russian) == russian
    assert unmask_lookalikes("he \u0441\u0430n see me") == "he can see me"  # the message is mostly English


def test_the_lookalike_table_maps_letters_to_ascii_only() -> None:
    table = lookalike_table()
    assert table["\u0430"] == "a" and table["\u0399"] == "I" and table["\u00e6"] == "ae"
    assert all(target.isascii() and target.isalpha() for target in table.values())
    assert not any(source.isascii() for source in table)


def test_plain_ascii_is_returned_untouched() -> None:
    text = "he said he'll kill me"
    assert clean_characters(text) is text and normalise_text(text) == text
