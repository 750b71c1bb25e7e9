"""Before any "sorry, I didn't understand", look at the risk verdict: distress gets help, never a shrug."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.safety_check import check_text


def flagged_risk(tracker: Tracker) -> dict | None:
    """The latest message's risk verdict when it escalated or was uncertain, else None."""
    risk = (tracker.latest_message or {}).get("risk") or {}
    if risk.get("escalate") or risk.get("band") in {"escalate", "uncertain"}:
        return risk
    return None


def offer_help_if_risky(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Send the safety check (999, helpline, "are you safe?", a person) instead of a not-understood reply."""
    risk = flagged_risk(tracker)
    if risk is None:
        return False
    dispatcher.utter_message(text=check_text(risk.get("category")))
    return True
