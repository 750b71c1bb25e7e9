"""The uncertain band: "are you safe?" with 999 and a helpline; a second cue escalates; "I'm safe" resumes."""

from __future__ import annotations

import time

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.safety_check import ActionSafetyCheck, ActionSafetyCheckAnswered, interrupted_form
from bot.models.handoff import Handoff
from bot.settings import PROJECT_ROOT
from bot.wording import response_text
from tests.handoff.dispatched import shown

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
DOMAIN = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
RULES = yaml.safe_load((PROJECT_ROOT / "data" / "rules" / "safety_check.yml").read_text(encoding="utf-8"))
SAFE_RULE_STEPS = {
    "rule": "safe after the safety check",
    "steps": [{"action": "action_safety_check"}, {"intent": "affirm"}, {"action": "utter_safe_thanks"},
              {"action": "action_safety_check_answered"}],
}

SENDER = "sms:+447700900321"
UNCERTAIN = {"escalate": False, "band": "uncertain", "category": "self_harm", "score": 0.5, "matched": []}
CALM = {"escalate": False, "band": "none", "category": None, "score": 0.01, "matched": []}


def user(risk: dict, seconds_ago: float = 0.0) -> dict:
    return {"event": "user", "text": "...", "timestamp": time.time() - seconds_ago,
            "parse_data": {"intent": {"name": "risk_uncertain"}, "risk": risk}}


def tracker(events: list[dict]) -> Tracker:
    return Tracker(sender_id=SENDER, slots={"handoff_active": False}, latest_message=events[-1]["parse_data"]
                   if events and events[-1]["event"] == "user" else {}, events=events, paused=False,
                   followup_action=None, active_loop={}, latest_action_name="action_listen")


async def run(action, events):
    dispatcher = CollectingDispatcher()
    result = await action.run(dispatcher, tracker(events), DOMAIN)
    return dispatcher, result


async def test_first_uncertain_message_gets_a_gentle_check_with_999_and_a_helpline(session) -> None:
    dispatcher, events = await run(ActionSafetyCheck(), [user(CALM, 60), user(UNCERTAIN)])
    check = shown(dispatcher.messages[0], "webchat")
    assert "Are you safe right now?" in check["text"] and "999" in check["text"] and "55" in check["text"]
    assert "Samaritans on 116 123" in check["text"]  # the helpline for the likely category
    assert "PERSON" in check["text"]  # the offer of a person
    assert [b["title"] for b in check["buttons"]] == ["Yes, I'm safe", "No", "Talk to a person"]
    on_sms = shown(dispatcher.messages[0], "sms")  # the buttons become numbered replies there
    assert "Samaritans on 116 123" in on_sms["text"] and len(on_sms["buttons"]) == 3
    assert events == []
    assert session.scalars(select(Handoff)).all() == []


async def test_two_uncertain_cues_in_a_short_span_escalate(session) -> None:
    dispatcher, events = await run(ActionSafetyCheck(), [user(UNCERTAIN, 300), user(CALM, 200), user(UNCERTAIN)])
    handoff = session.scalars(select(Handoff).where(Handoff.sender_id == SENDER)).one()
    assert (handoff.reason, handoff.category, handoff.status) == ("risk", "self_harm", "waiting")
    assert any("999" in message["text"] for message in dispatcher.messages)
    assert not any(event.get("event") == "pause" for event in events)  # the open hand-off row holds it


async def test_an_old_cue_does_not_count(session) -> None:
    _dispatcher, events = await run(ActionSafetyCheck(), [user(UNCERTAIN, 3 * 3600), user(UNCERTAIN)])
    assert events == []
    assert session.scalars(select(Handoff)).all() == []


def test_the_interrupted_form_is_found_before_the_check() -> None:
    events = [{"event": "active_loop", "name": "case_update_form"}, user(UNCERTAIN),
              {"event": "action", "name": "action_deactivate_loop"}, {"event": "active_loop", "name": None},
              {"event": "action", "name": "action_safety_check"}, user(CALM)]
    assert interrupted_form(events, DOMAIN["forms"]) == "case_update_form"
    no_form = [user(UNCERTAIN), {"event": "action", "name": "action_safety_check"}]
    assert interrupted_form(no_form, DOMAIN["forms"]) is None


async def test_safe_answer_thanks_them_and_resumes_the_form() -> None:
    events = [{"event": "active_loop", "name": "support_form"}, user(UNCERTAIN),
              {"event": "action", "name": "action_deactivate_loop"}, {"event": "active_loop", "name": None},
              {"event": "action", "name": "action_safety_check"}, user(CALM)]
    dispatcher, result = await run(ActionSafetyCheckAnswered(), events)
    assert dispatcher.messages == []  # the rule thanks them first with utter_safe_thanks
    assert result == [FollowupAction("support_form")]
    thanks = response_text("utter_safe_thanks", "sms", domain_file=DOMAIN_FILE)
    assert thanks.startswith("Thank you for telling me") and "999" in thanks
    assert SAFE_RULE_STEPS in RULES["rules"]
