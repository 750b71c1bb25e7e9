"""Tests for action_explain_rights and action_explain_process: what the victim reads."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.rights import ActionExplainProcess, ActionExplainRights
from bot.rights import load_content

GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
TWO_SMS_SEGMENTS = 306


def tracker_for(text: str, *, verified: bool = False) -> Tracker:
    """A tracker whose latest user message is `text`."""
    return Tracker(
        sender_id="sms:+447700900123",
        slots={"verified": verified},
        latest_message={"text": text, "intent": {"name": "ask_rights", "confidence": 0.99}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action: Any, text: str, *, verified: bool = False) -> list[dict[str, Any]]:
    """Run an action and return the messages it sent."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_for(text, verified=verified), {}))
    assert events == []
    return dispatcher.messages


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("what information should i get when i report a crime", "written confirmation with your crime reference"),
        ("how often will the police update me", "within 5 working days"),
        ("the police haven't updated me and I'm vulnerable", "1 working day"),
        ("can you refer me to support services", "right to be referred to services that support victims"),
        ("what is a victim personal statement", "in your own words how the crime has affected you"),
        ("can i challenge the decision not to charge him", "Victims' Right to Review"),
        ("I need an interpreter", "free interpreter"),
        ("can i claim compensation", "Criminal Injuries Compensation Authority (CICA)"),
        ("how do I make a complaint", "Parliamentary and Health Service Ombudsman"),
    ],
)
def test_rights_topic_is_picked_from_the_words_used(text: str, fragment: str) -> None:
    messages = run(ActionExplainRights(), text)
    assert len(messages) == 1
    assert fragment in messages[0]["text"]
    assert not messages[0]["buttons"]


def test_rights_overview_lists_the_rights_with_plain_text_buttons() -> None:
    messages = run(ActionExplainRights(), "what are my rights?")
    assert len(messages) == 1
    assert messages[0]["text"].startswith("The Victims' Code gives you 12 rights.")
    titles = [button["title"] for button in messages[0]["buttons"]]
    assert "Updates on my case" in titles and "Compensation" in titles and "Make a complaint" in titles
    assert len(titles) == 8
    assert all(not button["payload"].startswith("/") for button in messages[0]["buttons"])


def test_every_overview_button_leads_to_its_own_topic() -> None:
    for button in run(ActionExplainRights(), "my rights")[0]["buttons"]:
        reply = run(ActionExplainRights(), button["payload"])[0]
        assert not reply["buttons"], button["payload"]
        assert reply["text"] != run(ActionExplainRights(), "my rights")[0]["text"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("what happens after i report it", "give you a crime reference number"),
        ("what happens during the investigation", "gather evidence, such as statements and CCTV"),
        ("what happens when someone is arrested", "After an arrest the suspect is interviewed"),
        ("what does released under investigation mean", "Released under investigation (RUI)"),
        ("he's on bail, what does that mean", "If bail conditions are broken, call 101"),
        ("what happens once he's charged", "enough evidence to prosecute"),
        ("what happens at the magistrates court", "the first hearing is at the magistrates' court"),
        ("what if he pleads not guilty", "there is a trial"),
        ("what happens after the verdict", "decide if the defendant is guilty or not guilty"),
        ("how is the sentence decided", "decide the sentence"),
        ("can he appeal", "Unduly Lenient Sentence scheme"),
        ("what happens next", "The usual steps are: report, investigation, arrest"),
    ],
)
def test_process_stage_is_picked_from_the_words_used(text: str, fragment: str) -> None:
    messages = run(ActionExplainProcess(), text)
    assert [fragment in message["text"] for message in messages] == [True]


def test_process_tells_a_verified_victim_they_can_ask_for_their_update() -> None:
    messages = run(ActionExplainProcess(), "what happens after an arrest", verified=True)
    assert len(messages) == 2
    assert messages[1]["text"] == "You can also ask me for an update on your case at any time."


def test_process_does_not_mention_the_case_to_an_unverified_user() -> None:
    messages = run(ActionExplainProcess(), "what happens after an arrest")
    assert all("your case at any time" not in message["text"] for message in messages)


def test_all_content_is_gsm7_and_fits_two_sms_segments() -> None:
    content = load_content()
    texts = [content.overview, content.verified_note] + [item.text for item in content.topics + content.stages]
    for text in texts:
        assert set(text) <= GSM7, text
        assert len(text) <= TWO_SMS_SEGMENTS, text
