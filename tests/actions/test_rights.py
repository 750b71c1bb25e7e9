"""Tests for action_explain_rights and action_explain_process: which right is explained, and what the victim reads."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.rights import ActionExplainProcess, ActionExplainRights
from bot.rights import load_content
from bot.settings import PROJECT_ROOT
from connectors.sms.gsm import count_segments, is_gsm
from connectors.sms.render import render_bodies

NLU_FILE = PROJECT_ROOT / "data" / "nlu" / "rights.yml"


def tracker_for(
    text: str, *, verified: bool = False, intent: str = "ask_rights", selected: tuple[str, float] | None = None,
    last_topic: str | None = None,
) -> Tracker:
    """A tracker whose latest user message is `text`; `selected` is the response selector's (topic, confidence)."""
    latest: dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []}
    if selected is not None:
        key, confidence = selected
        latest["response_selector"] = {
            "all_retrieval_intents": ["ask_rights"],
            "ask_rights": {"response": {"intent_response_key": f"ask_rights/{key}", "confidence": confidence}},
        }
    return Tracker(
        sender_id="sms:+447700900123",
        slots={"verified": verified, "rights_topic": last_topic},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action: Any, text: str, **options: Any) -> tuple[list[dict[str, Any]], list[Any]]:
    """Run an action and return the messages it sent and its events."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_for(text, **options), {}))
    return dispatcher.messages, events


def topic_text(key: str) -> str:
    return load_content().topic(key).text


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("money back for travel to court", "expenses"),  # was sent to compensation by a keyword
        ("I don't want to support the prosecution", "withdraw_support"),  # was sent to referral
        ("the CPS dropped the case", "right_to_review"),
        ("when will i get my phone back from the police", "expenses"),
        ("can i meet the person who did it", "restorative_justice"),
        ("will i be told when he gets out of prison", "victim_contact_scheme"),
        ("can you refer me to support services", "support_referral"),
        ("can i claim compensation", "compensation"),
    ],
)
def test_the_classifier_picks_the_right_even_where_keywords_would_mislead(text: str, key: str) -> None:
    messages, events = run(ActionExplainRights(), text, selected=(key, 0.91))
    assert [message["text"] for message in messages] == [topic_text(key)]
    assert events == [SlotSet("rights_topic", key)]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("money back for travel to court", "expenses"),
        ("I don't want to support the prosecution", "withdraw_support"),
        ("the CPS dropped the case", "right_to_review"),
        ("how do I make a complaint", "complaints"),
        ("I need an interpreter", "interpreter"),
    ],
)
def test_without_a_sure_classifier_the_keywords_still_route_correctly(text: str, key: str) -> None:
    messages, _ = run(ActionExplainRights(), text, selected=("overview", 0.3))
    assert messages[0]["text"] == topic_text(key)


@pytest.mark.parametrize("follow_up", ["how do I apply?", "tell me more", "how long do I have", "who do I ask"])
def test_a_short_follow_up_stays_on_the_right_just_explained(follow_up: str) -> None:
    messages, events = run(ActionExplainRights(), follow_up, selected=("updates", 0.6), last_topic="compensation")
    assert messages[0]["text"] == topic_text("compensation")
    assert events == [SlotSet("rights_topic", "compensation")]


def test_the_classifier_can_say_it_is_a_follow_up_and_the_context_says_of_what() -> None:
    messages, _ = run(ActionExplainRights(), "where do i send it", selected=("follow_up", 0.8), last_topic="expenses")
    assert messages[0]["text"] == topic_text("expenses")
    overview, _ = run(ActionExplainRights(), "where do i send it", selected=("follow_up", 0.8))
    assert overview[0]["text"].startswith("The Victims' Code gives you 12 rights.")  # nothing explained yet


def test_a_follow_up_that_names_another_right_moves_to_it() -> None:
    messages, _ = run(ActionExplainRights(), "how do i complain", last_topic="compensation")
    assert messages[0]["text"] == topic_text("complaints")


def test_the_overview_lists_the_rights_with_few_plain_text_buttons_that_fit_an_sms() -> None:
    messages, events = run(ActionExplainRights(), "what are my rights?", selected=("overview", 0.97))
    assert events == [SlotSet("rights_topic", None)]
    [overview] = messages
    assert overview["text"].startswith("The Victims' Code gives you 12 rights.")
    titles = [button["title"] for button in overview["buttons"]]
    assert titles == ["Review", "Updates", "Compensation", "Support"]
    assert all(not button["payload"].startswith("/") for button in overview["buttons"])
    [body] = render_bodies({"text": overview["text"], "buttons": overview["buttons"]})
    assert count_segments(body) <= 2


def test_every_overview_button_leads_to_its_own_topic() -> None:
    for button in run(ActionExplainRights(), "my rights")[0][0]["buttons"]:
        reply = run(ActionExplainRights(), button["payload"])[0][0]
        assert not reply.get("buttons"), button["payload"]
        assert reply["text"].startswith(tuple(t.text[:30] for t in load_content().topics)), button["payload"]


def test_every_topic_has_nlu_examples_and_every_retrieval_intent_has_a_topic() -> None:
    data = yaml.safe_load(NLU_FILE.read_text(encoding="utf-8"))
    keys = {block["intent"].split("/", 1)[1] for block in data["nlu"] if block["intent"].startswith("ask_rights/")}
    assert keys == {topic.key for topic in load_content().topics} | {"overview", "follow_up"}
    for block in data["nlu"]:
        if block["intent"].startswith("ask_rights/"):
            assert len(block["examples"].strip().splitlines()) >= 5, block["intent"]


@pytest.mark.parametrize(
    ("key", "facts"),
    [
        ("restorative_justice", ["talk or write to the person who harmed you", "both agree"]),
        ("expenses", ["travel", "lost earnings", "took your things as evidence"]),
        ("victim_contact_scheme", ["12 months or more", "violent or sexual offence", "Victim Contact Scheme"]),
        ("support_referral", ["within 2 working days", "unless you say no", "ask first"]),
        ("compensation", ["must be reported to the police", "Mental injury", "death of a close relative"]),
        ("right_to_review", ["a suspect must have been interviewed", "10 working days", "up to 3 months"]),
    ],
)
def test_victims_code_content_is_complete_and_correct(key: str, facts: list[str]) -> None:
    for fact in facts:
        assert fact in topic_text(key)


def test_bail_is_not_always_with_conditions() -> None:
    messages, _ = run(ActionExplainProcess(), "he's on bail, what does that mean", intent="ask_process")
    assert "Bail may come with conditions" in messages[0]["text"] and "but not always" in messages[0]["text"]


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
        ("what happens next", "The usual steps are the report, the investigation and an arrest."),
    ],
)
def test_process_stage_is_picked_from_the_words_used(text: str, fragment: str) -> None:
    messages, events = run(ActionExplainProcess(), text, intent="ask_process")
    assert [fragment in message["text"] for message in messages] == [True]
    assert events == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("the CPS dropped the case, what happens now", "right_to_review"),
        ("what happens if I withdraw my statement", "withdraw_support"),
        ("what happens when he is released from prison", "victim_contact_scheme"),
    ],
)
def test_a_process_question_about_a_right_gets_that_right(text: str, key: str) -> None:
    messages, events = run(ActionExplainProcess(), text, intent="ask_process")
    assert [message["text"] for message in messages] == [topic_text(key)]
    assert events == [SlotSet("rights_topic", key)]


def test_process_tells_a_verified_victim_they_can_ask_for_their_update() -> None:
    messages, _ = run(ActionExplainProcess(), "what happens after an arrest", verified=True, intent="ask_process")
    assert len(messages) == 2
    assert messages[1]["text"] == "You can also ask me for an update on your case at any time."


def test_process_does_not_mention_the_case_to_an_unverified_user() -> None:
    messages, _ = run(ActionExplainProcess(), "what happens after an arrest", intent="ask_process")
    assert all("your case at any time" not in message["text"] for message in messages)


def test_all_content_is_gsm7_and_fits_two_sms_segments() -> None:
    content = load_content()
    texts = [content.overview, content.verified_note] + [item.text for item in content.topics + content.stages]
    for text in texts:
        assert is_gsm(text) and count_segments(text) <= 2, (len(text), text)
