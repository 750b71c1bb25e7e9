"""The uncertain band: a gentle "are you safe?" with 999 and a helpline, and what the answer leads to."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime, timedelta, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import channel_of, hand_to_person
from bot.handoff.wording import reply_text, safety_check_reply
from bot.risk.advice import safety_message

logger = logging.getLogger(__name__)
RECENT_TURNS = 6  # an earlier uncertain message among this many recent user turns...
RECENT_WINDOW = timedelta(minutes=30)  # ...and this recent makes two cues: escalate


def check_text(category: str | None, channel: str | None = None) -> str:
    """The safety check's words (the domain's utter_safety_check), for senders that send only its text."""
    return reply_text(safety_check_reply(category, channel), channel)


def uncertain_turns(tracker: Tracker, now: datetime) -> list[dict]:
    """The recent user messages (latest first, this one included) that the risk screen found uncertain."""
    users = [event for event in reversed(tracker.events) if event.get("event") == "user"][:RECENT_TURNS]
    found = []
    for event in users:
        risk = (event.get("parse_data") or {}).get("risk") or {}
        stamp = datetime.fromtimestamp(float(event.get("timestamp") or now.timestamp()), tz=timezone.utc)
        if risk.get("band") == "uncertain" and now - stamp <= RECENT_WINDOW:
            found.append(risk)
    return found


def interrupted_form(events: list[dict], forms: Collection[str]) -> str | None:
    """The form (one of the domain's `forms`) the safety check interrupted (deactivated just before it), if any."""
    last_check = max((i for i, e in enumerate(events) if e.get("event") == "action"
                      and e.get("name") == "action_safety_check"), default=len(events))
    loops = [event.get("name") for event in events[:last_check] if event.get("event") == "active_loop"]
    if len(loops) >= 2 and loops[-1] is None and loops[-2] in forms:
        return loops[-2]
    return None


class ActionSafetyCheck(Action):
    """Ask "are you safe?"; a second uncertain cue in a short span escalates instead."""

    def name(self) -> str:
        return "action_safety_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        cues = uncertain_turns(tracker, datetime.now(timezone.utc))
        category = next((cue.get("category") for cue in cues if cue.get("category")), None)
        if len(cues) >= 2:
            logger.info("two uncertain risk cues in a short span: escalating (category=%s)", category)
            dispatcher.utter_message(text=safety_message(category, channel_of(tracker)))
            return await hand_to_person(dispatcher, tracker, reason="risk", level="medium", category=category)
        check = safety_check_reply(category, channel_of(tracker))  # the domain's utter_safety_check, with buttons
        dispatcher.utter_message(response=check.response, **check.values)
        return []


class ActionSafetyCheckAnswered(Action):
    """They said they are safe (the rule has thanked them with utter_safe_thanks): carry on where they were."""

    def name(self) -> str:
        return "action_safety_check_answered"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        form = interrupted_form(tracker.events, forms=domain.get("forms") or {})
        return [FollowupAction(form)] if form else []
