"""Awkward messages every channel must answer clearly and hand to the screen, and what Rasa should read."""

from __future__ import annotations

import pytest

from connectors.pipeline.inbound_text import MAX_READ_CHARS

NECK = "he put his hands round my neck"
FILLER = "I need to tell you what has been happening at home. "

# (typed, what Rasa reads): nothing may be lost, crash or be refused.
READ_AS = [
    pytest.param("he put his hands\u00a0round my ne\u200bck", NECK, id="no-break-and-zero-width-space"),
    pytest.param("he said he'll k\u0456ll me", "he said he'll kill me", id="cyrillic-i-in-kill"),
    pytest.param("SP/10001/26", "SP/10001/26", id="only-a-crime-reference"),
    pytest.param(
        "\uff33\uff30\uff0f\uff11\uff10\uff10\uff10\uff11\uff0f\uff12\uff16", "SP/10001/26", id="fullwidth-reference"
    ),
    pytest.param("\U0001f622\U0001f622\U0001f622", "\U0001f622\U0001f622\U0001f622", id="emoji-only"),
    pytest.param("he\x07 is\x1b outside\x00 now", "he is outside now", id="control-characters"),
    pytest.param("\u202ehe is outside\u202c\u200f", "he is outside", id="right-to-left-override-and-mark"),
    pytest.param("ساعدني من فضلك", "ساعدني من فضلك", id="right-to-left-script"),
    pytest.param("he is outside, помогите", "he is outside, помогите", id="mixed-scripts"),
]

# Typed messages with nothing readable in them: a clear reply, nothing handed to Rasa.
EMPTY = [
    pytest.param(" \t\n ", id="whitespace-only"),
    pytest.param("\u200b\u200d\ufeff", id="zero-width-only"),
    pytest.param("\u200f\u202e\x00", id="marks-and-controls-only"),
]

# Disguised disclosures and the risk category the screen must find in what the channel handed over.
DISGUISED = [
    pytest.param("he put his hands\u00a0round my ne\u200bck", "strangulation", id="strangulation"),
    pytest.param("he s\u0430id he'll k\u0456ll me", "threat_to_life", id="threat-to-life"),
]


def long_message(length: int, ending: str = NECK) -> str:
    """`length` characters of plain English that end with `ending` (so the end can be checked)."""
    body = (FILLER * (length // len(FILLER) + 1))[: length - len(ending) - 1].rstrip()
    body = body + " " * (length - len(ending) - len(body))
    return body + ending


WHOLE = long_message(MAX_READ_CHARS)  # read whole, disclosure at the very end
OVER = long_message(MAX_READ_CHARS + 5_000)  # only the first MAX_READ_CHARS characters are read
