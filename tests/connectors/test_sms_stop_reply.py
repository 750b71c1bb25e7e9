"""STOP still opts out (Twilio requires it), and the reply says plainly what stops, until when, and gives 999."""

from __future__ import annotations

import pytest

from connectors.sms.gsm import count_segments, is_gsm
from connectors.sms.keywords import EMPTY_REPLY, HELP_REPLY, START_REPLY, STOP_REPLY, keyword_of


@pytest.mark.parametrize(
    "word", ["STOP", "stop", "Stop.", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", " quit! "]
)
def test_every_carrier_stop_word_opts_out(word):
    assert keyword_of(word) == "STOP"


@pytest.mark.parametrize("text", ["stop texting me at work", "please cancel my referral", "the end"])
def test_a_sentence_containing_stop_is_not_an_opt_out(text):
    assert keyword_of(text) is None


def test_the_stop_reply_says_no_texts_at_all_safety_replies_included_until_start():
    assert "no more texts" in STOP_REPLY
    assert "not even replies about your safety" in STOP_REPLY
    assert "until you text START" in STOP_REPLY


def test_the_stop_reply_gives_999_and_the_silent_call_routes():
    assert "call 999" in STOP_REPLY and "press 55 when asked" in STOP_REPLY and "stay on the line" in STOP_REPLY


@pytest.mark.parametrize("reply", [STOP_REPLY, START_REPLY, HELP_REPLY, EMPTY_REPLY])
def test_keyword_replies_are_one_or_two_plain_sms_segments(reply):
    assert is_gsm(reply) and count_segments(reply) <= 2
