"""Safe-contact preferences set by the victim in the conversation, only once they are verified for a case."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.case_update import ENDING_RESPONSES
from actions.handoff import channel_of
from actions.interruptions import latest_intent
from bot.cases.conversation import responded_since_user
from bot.cases.crime_ref import is_valid_reference
from bot.cases.grants import granted_victim
from bot.cases.verification import normalise_reference
from bot.contact import preferences
from bot.contact.victim_choices import CHANNELS, TOPICS, Choice, apply, read_choice
from bot.db import session_scope
from bot.models.base import utcnow
from bot.off_loop import run_blocking
from bot.wording import response_text

logger = logging.getLogger(__name__)

FORM, CHOICE, TOPIC, PENDING, REQUEST = (
    "contact_preferences_form", "contact_choice", "contact_topic", "contact_prefs_pending", "contact_request",
)
DONE_MARK = "done"  # contact_choice once the victim has finished: the form ends
NEED_CHECK, SAVED = "utter_contact_prefs_need_check", "utter_contact_prefs_saved"
NOT_UNDERSTOOD, BAD_TIMES = "utter_contact_prefs_not_understood", "utter_contact_prefs_bad_times"
QUESTIONS = {topic: f"utter_contact_prefs_ask_{topic}" for topic in TOPICS}
AFTER_AN_ANSWER = (SAVED, NOT_UNDERSTOOD)  # then the short menu, not the whole summary again
# The plain-words parts {channels}, {times}, {days} and {asking} of the summary (domain: utter_contact_part_*).
CHANNEL_PARTS = {(): "utter_contact_part_any_channel", ("sms",): "utter_contact_part_sms_only",
                 ("telegram",): "utter_contact_part_telegram_only"}


def summary_values(wanted: preferences.Preferences, channel: str | None = None) -> dict[str, str]:
    """The summary's parts for utter_contact_prefs_current and utter_contact_prefs_saved, read from the domain."""
    window = wanted.window
    times = response_text("utter_contact_part_any_time", channel) if window is None else response_text(
        "utter_contact_part_between", channel, slots={"start": f"{window.start:%H:%M}", "end": f"{window.end:%H:%M}"})
    return {
        "channels": response_text(CHANNEL_PARTS.get(wanted.channels, CHANNEL_PARTS[()]), channel),  # both: either
        "times": times,
        "days": response_text("utter_contact_part_weekdays" if wanted.no_weekends else "utter_contact_part_any_day",
                              channel),
        "asking": response_text("utter_contact_part_ask_first" if wanted.ask_first else "utter_contact_part_no_asking",
                                channel),
    }


def _victim_id(session: Any, sender_id: str, reference: str) -> int | None:
    granted = granted_victim(session, reference=normalise_reference(reference), sender_key=sender_id, now=utcnow())
    return granted[1].id if granted else None


def current_for(sender_id: str, reference: str) -> preferences.Preferences | None:
    """The preferences of the victim this sender holds a current grant for; None without one (blocking)."""
    with session_scope() as session:
        victim_id = _victim_id(session, sender_id, reference)
        return preferences.load(session, victim_id) if victim_id is not None else None


def save_choice(
    sender_id: str, reference: str, choice: Choice
) -> tuple[preferences.Preferences, list[str]] | None:
    """Apply `choice` and store it as the victim's own; returns the saved preferences and the chosen channels we
    cannot reach them on yet (no address checked there). None without a grant; ValueError if it makes no sense."""
    with session_scope() as session:
        victim_id = _victim_id(session, sender_id, reference)
        if victim_id is None:
            return None
        wanted = apply(preferences.load(session, victim_id), choice)
        preferences.save(session, victim_id, wanted, updated_by=preferences.BY_VICTIM)
        changed_channels = any(field == CHANNELS for field, _ in choice.changes)
        unreachable = preferences.unreachable_channels(session, victim_id, wanted) if changed_channels else []
    logger.info("contact preferences changed in the conversation (%s)", ",".join(field for field, _ in choice.changes))
    return wanted, unreachable


def _reference(tracker: Tracker) -> str | None:
    reference = tracker.get_slot("verified_reference")
    return reference if tracker.get_slot("verified") is True and is_valid_reference(reference) else None


async def _current(tracker: Tracker) -> preferences.Preferences | None:
    reference = _reference(tracker)
    return await run_blocking(current_for, tracker.sender_id, reference) if reference else None


async def _save(dispatcher: CollectingDispatcher, tracker: Tracker, choice: Choice) -> bool | None:
    """Save and confirm; True when saved, False when the times made no sense, None without a grant."""
    reference = _reference(tracker)
    try:
        saved = await run_blocking(save_choice, tracker.sender_id, reference, choice) if reference else None
    except ValueError:
        dispatcher.utter_message(response=BAD_TIMES)
        return False
    if saved is None:
        return None
    wanted, unreachable = saved
    dispatcher.utter_message(response=SAVED, **summary_values(wanted, channel_of(tracker)))
    for missing in unreachable:  # their choice stands; news waits for our team until they message us there
        dispatcher.utter_message(response=f"utter_contact_prefs_not_reachable_{missing}")
    return True


def check_started_here(events: list[dict[str, Any]]) -> bool:
    """True when the latest case_update_form was started by action_contact_preferences (not by asking for news)."""
    started = max((i for i, e in enumerate(events) if e.get("event") == "active_loop"
                   and e.get("name") == "case_update_form"), default=-1)
    before = [e.get("name") for e in events[:max(started, 0)] if e.get("event") == "action"
              and e.get("name") != "case_update_form"]
    return started >= 0 and bool(before) and before[-1] == "action_contact_preferences"


class ActionContactPreferences(Action):
    """Start the preferences: verified, apply what they asked for (if anything) and let the form show the rest;
    not verified, say so without showing anything and take them through the check first."""

    def name(self) -> str:
        return "action_contact_preferences"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        pending = tracker.get_slot(PENDING) is True
        if pending and not check_started_here(tracker.events):  # they went on to ask for their news instead
            return [SlotSet(PENDING, False), SlotSet(REQUEST, None), FollowupAction("action_give_case_update")]
        asked = tracker.get_slot(REQUEST) if pending else (tracker.latest_message or {}).get("text")
        reset = [SlotSet(PENDING, False), SlotSet(REQUEST, None), SlotSet(TOPIC, None), SlotSet(CHOICE, None)]
        if await _current(tracker) is None:
            if pending:  # back from the check without passing it: its own replies said what to do
                if not responded_since_user(tracker.events, ENDING_RESPONSES):
                    dispatcher.utter_message(response=NEED_CHECK)
                return [*reset, FollowupAction("action_listen")]
            logger.info("contact preferences asked for before verification")
            dispatcher.utter_message(response=NEED_CHECK)
            wanted = read_choice(str(asked or "")).changes if latest_intent(tracker) == "contact_preferences" else ()
            return [SlotSet(PENDING, True), SlotSet(REQUEST, asked if wanted else None), SlotSet("verified", False),
                    SlotSet("verified_reference", None), FollowupAction("case_update_form")]
        choice = read_choice(str(asked or ""))
        if choice.changes and await _save(dispatcher, tracker, choice) is None:
            dispatcher.utter_message(response=NEED_CHECK)
            return [*reset, FollowupAction("action_listen")]
        return reset


class ActionAskContactChoice(Action):
    """The form's question: what is set now and what can change, a follow-up question, or "anything else?"."""

    def name(self) -> str:
        return "action_ask_contact_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        topic = tracker.get_slot(TOPIC)
        if topic in QUESTIONS:
            dispatcher.utter_message(response=QUESTIONS[topic])
        elif responded_since_user(tracker.events, AFTER_AN_ANSWER):
            dispatcher.utter_message(response="utter_contact_prefs_ask_more")
        else:
            current = await _current(tracker)
            if current is None:
                dispatcher.utter_message(response=NEED_CHECK)
            else:
                dispatcher.utter_message(response="utter_contact_prefs_current", **summary_values(
                    current, channel_of(tracker)))
        return []


class ValidateContactPreferencesForm(FormValidationAction):
    """Reads each answer (bot/contact/victim_choices.py), saves what it changes and asks again until they are done."""

    def name(self) -> str:
        return "validate_contact_preferences_form"

    async def validate_contact_choice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == DONE_MARK:
            return {}
        if tracker.get_slot("requested_slot") != CHOICE:  # the message that opened the form, not an answer to it
            return {CHOICE: None}
        topic = tracker.get_slot(TOPIC)
        choice = read_choice(str(value or ""), topic=topic if topic in TOPICS else None)
        if choice.done:
            dispatcher.utter_message(response="utter_contact_prefs_done")
            return {CHOICE: DONE_MARK, TOPIC: None}
        if choice.topic:
            return {CHOICE: None, TOPIC: choice.topic}
        if not choice.understood:
            dispatcher.utter_message(response=BAD_TIMES if choice.bad_times else NOT_UNDERSTOOD)
            return {CHOICE: None}
        saved = await _save(dispatcher, tracker, choice)
        if saved is None:
            dispatcher.utter_message(response=NEED_CHECK)
            return {CHOICE: DONE_MARK, TOPIC: None}
        return {CHOICE: None, TOPIC: None} if saved else {CHOICE: None}
