"""No distress is dismissed: the not-understood paths look at the risk verdict first."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDefaultAskAffirmation
from actions.risk_guard import flagged_risk


def tracker(risk: dict | None) -> Tracker:
    latest = {"text": "...", "intent": {"name": "nlu_fallback", "confidence": 1.0}, "intent_ranking": [],
              "entities": [], "risk": risk or {}}
    return Tracker(sender_id="rest:x", slots={}, latest_message=latest, events=[], paused=False,
                   followup_action=None, active_loop={}, latest_action_name="action_listen")


def test_flagged_risk_reads_escalations_and_the_uncertain_band() -> None:
    assert flagged_risk(tracker({"escalate": True}))
    assert flagged_risk(tracker({"escalate": False, "band": "uncertain"}))
    assert flagged_risk(tracker({"escalate": False, "band": "none"})) is None
    assert flagged_risk(tracker(None)) is None


async def test_fallback_offers_help_instead_of_asking_to_rephrase() -> None:
    dispatcher = CollectingDispatcher()
    await ActionDefaultAskAffirmation().run(dispatcher, tracker({"band": "uncertain", "category": "stalking"}),
                                            {"responses": {"utter_ask_rephrase": [{"text": "Sorry"}]}})
    text = dispatcher.messages[0]["text"]
    assert "Are you safe right now?" in text and "999" in text
    assert not text.startswith("Sorry")


async def test_fallback_without_risk_still_asks_to_rephrase() -> None:
    dispatcher = CollectingDispatcher()
    await ActionDefaultAskAffirmation().run(dispatcher, tracker({"band": "none"}), {"responses": {}})
    assert dispatcher.messages[0]["response"] == "utter_ask_rephrase"
