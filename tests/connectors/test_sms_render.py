"""SMS rendering: GSM-7 transliteration, exact segment counts, numbered options, sentence splitting."""

from __future__ import annotations

import pytest

from connectors.sms.gsm import count_segments, is_gsm, to_gsm
from connectors.sms.render import options_line, render_bodies, render_text, split_for_outbox


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 1530, 10),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("a" * 152 + "€", 1),
        ("a" * 159 + "€", 2),
        ("a" * 152 + "€" + "a" * 10, 2),  # the escape pair may not straddle segments: 152 + 2 does not fit 153
        ("Привет" * 11 + "1234", 1),
        ("Ж" * 71, 2),
        ("Ж" * 134, 2),
        ("Ж" * 135, 3),
    ],
)
def test_segment_counts(text: str, segments: int) -> None:
    assert count_segments(text) == segments


def test_escape_pair_straddling_a_boundary_costs_an_extra_segment() -> None:
    assert count_segments("a" * 152 + "€" + "a" * 152) == 3  # 152 | €+151 | 1


def test_typography_is_transliterated_to_gsm_and_emoji_removed() -> None:
    text = "It\u2019s \u201cfine\u201d \u2013 really\u2026\u00a0see\u202fyou 👋🏽 at the café, Zoë! ❤️"
    assert to_gsm(text) == 'It\'s "fine" - really... see you at the café, Zoe!'
    assert is_gsm(to_gsm(text))


def test_text_with_no_gsm_equivalent_stays_unicode() -> None:
    assert to_gsm("Дякую 🙏") == "Дякую" and not is_gsm("Дякую")


def test_buttons_become_numbered_options_in_the_same_message() -> None:
    payload = {
        "text": "Are you safe right now?",
        "buttons": [
            {"title": "Yes", "payload": "/affirm"},
            {"title": "No", "payload": "/deny"},
            {"title": "Not sure", "payload": "/deny"},
        ],
    }
    assert render_bodies(payload) == ["Are you safe right now?\n\nReply 1 for Yes, 2 for No or 3 for Not sure."]
    assert options_line([{"title": "OK", "payload": "/affirm"}]) == "Reply 1 for OK."
    assert (
        render_text({"quick_replies": [{"title": "Yes", "payload": "/affirm"}], "text": "Go?"})
        == "Go?\n\nReply 1 for Yes."
    )


def test_a_long_answer_stays_one_message_up_to_ten_segments() -> None:
    text = " ".join(f"Sentence {n:02d} about your rights as a victim." for n in range(33))
    assert count_segments(text) == 10
    assert render_bodies({"text": text}) == [text]


def test_a_very_long_answer_is_split_between_sentences_into_few_messages() -> None:
    sentences = [f"Sentence {n:02d} about your rights as a victim." for n in range(80)]
    bodies = render_bodies({"text": " ".join(sentences)})
    assert len(bodies) == 3
    assert all(count_segments(body) <= 10 for body in bodies)
    assert all(body.endswith("victim.") for body in bodies)
    assert " ".join(bodies) == " ".join(sentences)


def test_a_sentence_without_punctuation_is_split_between_words() -> None:
    bodies = render_bodies({"text": "word " * 400})
    assert len(bodies) == 2 and all(count_segments(body) <= 10 for body in bodies)
    assert all(not body.startswith(" ") and "wor d" not in body for body in bodies)


def test_the_outbox_splitter_keeps_short_messages_whole() -> None:
    short = {"text": "Hello", "buttons": [{"title": "Yes", "payload": "/affirm"}]}
    assert split_for_outbox(short) == [short]
    long_parts = split_for_outbox({"text": " ".join(f"Sentence {n:02d} about your rights." for n in range(90))})
    assert len(long_parts) == 2 and all(set(part) == {"text"} for part in long_parts)
