"""The risk screen reads disguised text the way the channels hand it over (`bot.risk.screen`, `bot risk`)."""

from __future__ import annotations

import io
import json

import pytest

from bot.risk import default_screener, screen
from bot.risk.cli import screen_lines

NECK = "he put his hands round my neck"


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        pytest.param(NECK.replace("hands ", "hands\u00a0"), "strangulation", id="no-break-space"),
        pytest.param(NECK.replace("neck", "ne\u200bck"), "strangulation", id="zero-width-space-in-neck"),
        pytest.param(NECK.replace(" ", "\u2060 "), "strangulation", id="word-joiners-everywhere"),
        pytest.param(NECK.replace("neck", "n\x07e\x1bck"), "strangulation", id="control-characters"),
        pytest.param(f"\u202e{NECK}\u202c\u200f", "strangulation", id="right-to-left-override-and-mark"),
        pytest.param("he s\u0430id he'll k\u0456ll me", "threat_to_life", id="cyrillic-a-and-i"),
        pytest.param("he said he'll \u043a\u0456ll me", "threat_to_life", id="kill-starting-with-cyrillic-ka"),
        pytest.param(
            "\uff48\uff45 \uff53\uff41\uff49\uff44 \uff48\uff45'\uff4c\uff4c \uff4b\uff49\uff4c\uff4c \uff4d\uff45",
            "threat_to_life",
            id="fullwidth",
        ),
        pytest.param("he said he'll \U0001d424\U0001d422\U0001d425\U0001d425 me", "threat_to_life", id="math-bold"),
        pytest.param("heeelp meee please", "imminent_danger", id="repeated-letters"),
        pytest.param("HEEELP MEEE PLZZZ", "imminent_danger", id="repeated-capitals-and-sms"),
    ],
)
def test_disguised_disclosures_still_escalate(typed: str, category: str) -> None:
    result = screen(typed)
    assert result.escalate and result.category == category


def test_repeated_letters_read_as_the_words_meant() -> None:
    normalise = default_screener().normalise
    assert normalise("heeelp meee") == "help me"
    assert normalise("heelp mee") == "help me"  # what a channel hands over after cutting runs to two
    assert normalise("I feel good, will you kill time") == "i feel good, will you kill time"


@pytest.mark.parametrize(
    "benign",
    ["can I have an update on my case\u00a0please", "SP/10001/26", "\U0001f622\U0001f622", "thx\u200b for ur help"],
)
def test_unicode_noise_alone_does_not_escalate(benign: str) -> None:
    assert not screen(benign).escalate


def test_the_command_line_screen_reads_the_same_as_the_channels() -> None:
    out = io.StringIO()
    screen_lines(io.StringIO(NECK.replace("hands ", "hands\u00a0") + "\n"), out)
    record = json.loads(out.getvalue())
    assert (record["escalate"], record["category"]) == (True, "strangulation")
