"""Reading a person's safe-contact answers: what they typed or pressed becomes the change they meant, or a re-ask."""

from __future__ import annotations

import pytest

from bot.contact.preferences import Preferences
from bot.contact.timing import parse_window
from bot.contact.victim_choices import ASK_FIRST, CHANNELS, WEEKENDS, WINDOW, Choice, apply, read_choice


@pytest.mark.parametrize(
    ("text", "topic", "changes"),
    [
        ("don't text me at weekends", None, {WEEKENDS: True}),
        ("No messages on Saturdays or Sundays please", None, {WEEKENDS: True}),
        ("weekdays only", None, {WEEKENDS: True}),
        ("weekends are fine", None, {WEEKENDS: False}),
        ("not at weekends", WEEKENDS, {WEEKENDS: True}),
        ("no", WEEKENDS, {WEEKENDS: True}),
        ("yes", WEEKENDS, {WEEKENDS: False}),
        ("only message me in the evening", None, {WINDOW: "17:00-21:00"}),
        ("mornings", WINDOW, {WINDOW: "08:00-12:00"}),
        ("18:00-21:00", WINDOW, {WINDOW: "18:00-21:00"}),
        ("between 6pm and 9pm", None, {WINDOW: "18:00-21:00"}),
        ("6 to 9pm", None, {WINDOW: "18:00-21:00"}),
        ("18.30 to 21.00", None, {WINDOW: "18:30-21:00"}),
        ("any time", WINDOW, {WINDOW: ""}),
        ("please only use telegram", None, {CHANNELS: ("telegram",)}),
        ("text messages only", CHANNELS, {CHANNELS: ("sms",)}),
        ("text", CHANNELS, {CHANNELS: ("sms",)}),
        ("don't use telegram", None, {CHANNELS: ("sms",)}),
        ("either telegram or text messages", CHANNELS, {CHANNELS: ()}),
        ("either", CHANNELS, {CHANNELS: ()}),
        ("ask before you text me", None, {ASK_FIRST: True}),
        ("ask me first", ASK_FIRST, {ASK_FIRST: True}),
        ("no need to ask", ASK_FIRST, {ASK_FIRST: False}),
        ("no", ASK_FIRST, {ASK_FIRST: False}),
        ("only telegram, evenings, and not at weekends", None,
         {WEEKENDS: True, WINDOW: "17:00-21:00", CHANNELS: ("telegram",)}),
    ],
)
def test_what_they_say_is_the_change_they_meant(text, topic, changes):
    assert dict(read_choice(text, topic=topic).changes) == changes


@pytest.mark.parametrize(
    ("text", "topic"),
    [("how we message you", CHANNELS), ("change the times", WINDOW), ("times of day", WINDOW),
     ("Weekends", WEEKENDS), ("asking first", ASK_FIRST)],
)
def test_the_menu_choices_open_their_question(text, topic):
    assert read_choice(text) == Choice(topic=topic)


@pytest.mark.parametrize("text", ["no changes", "No thanks.", "keep it as it is", "that's all", "nothing else"])
def test_no_changes_ends_the_menu(text):
    assert read_choice(text).done


@pytest.mark.parametrize(("text", "topic"), [("banana", None), ("whenever the moon is full", CHANNELS), ("", None)])
def test_an_answer_that_means_nothing_here_is_not_understood(text, topic):
    choice = read_choice(text, topic=topic)
    assert not choice.understood and not choice.bad_times


@pytest.mark.parametrize("text", ["25:00-26:00", "18:00-18:00", "6 7"])
def test_times_that_make_no_sense_are_refused_with_the_console_rules(text):
    choice = read_choice(text, topic=WINDOW)
    if choice.changes:
        with pytest.raises(ValueError):
            apply(Preferences(), choice)
    else:
        assert choice.bad_times


def test_a_change_keeps_everything_else_as_it_was():
    current = Preferences(channels=("telegram",), window=parse_window("18:00-21:00"), no_weekends=False, ask_first=True)
    changed = apply(current, read_choice("not at weekends"))
    assert changed == Preferences(channels=("telegram",), window=parse_window("18:00-21:00"), no_weekends=True,
                                  ask_first=True)
    assert apply(changed, read_choice("any time", topic=WINDOW)).window is None
    assert apply(changed, read_choice("either", topic=CHANNELS)).channels == ()
