"""Rasa actions for the support finder and referrals: thin wrappers around bot.directory."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import channel_of
from actions.interruptions import interrupts
from actions.risk_guard import offer_help_if_risky
from bot.db import session_scope
from bot.directory import render
from bot.directory.dialogue import ANY_AREA, is_decline, parse_choice, skips_area, wants_open_now
from bot.directory.needs import normalise_need
from bot.directory.places import resolve_area
from bot.directory.referrals import ReferralError, record_referral
from bot.directory.search import contact_line, search
from bot.directory.store import agencies_by_slug
from bot.models.directory import Agency
from bot.off_loop import run_blocking

VICTIM_SUPPORT_SLUG = "victim-support-supportline"


def _text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def _escaping(tracker: Tracker, domain: DomainDict, slot: str) -> bool:
    """Messages the domain keeps out of this slot leave the form alone (rules and the risk screen deal with them)."""
    return interrupts(tracker, domain, slot=slot, form="support_form")


class ValidateSupportForm(FormValidationAction):
    """Fills `need` and `area` from free text ("I was scammed", "SX4 1AB") and rejects what we can't use."""

    def name(self) -> str:
        return "validate_support_form"

    async def extract_need(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        if _escaping(tracker, domain, "need"):
            return {}
        key = normalise_need(_text(tracker))
        if tracker.get_slot("requested_slot") == "need":
            if key:
                return {"need": key}
            return {} if "need" in tracker.slots_to_validate() else {"need": _text(tracker)}
        if tracker.get_slot("need") is None and key and key != "general":
            return {"need": key}  # said up front, e.g. "I was scammed online, can you help?"
        return {}

    def validate_need(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        key = normalise_need(str(value)) if value else None
        if key is None:
            dispatcher.utter_message(text=render.unknown_need_text(channel_of(tracker)))
        return {"need": key}

    async def extract_area(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        if _escaping(tracker, domain, "area"):
            return {}
        area = resolve_area(_text(tracker))
        if tracker.get_slot("requested_slot") == "area":
            if area:
                return {"area": area.slot_value}
            if skips_area(_text(tracker)):
                return {"area": ANY_AREA}
            return {} if "area" in tracker.slots_to_validate() else {"area": _text(tracker)}
        if tracker.get_slot("area") is None and area:
            return {"area": area.slot_value}
        return {}

    def validate_area(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        if value == ANY_AREA or skips_area(str(value or "")):
            return {"area": ANY_AREA}
        area = resolve_area(str(value)) if value else None
        if area is None:
            dispatcher.utter_message(text=render.unknown_area_text(channel_of(tracker)))
            return {"area": None}
        return {"area": area.slot_value}


def _asked_open_now(tracker: Tracker) -> bool:
    """Whether any user message since the last search asked for services open now."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_find_support":
            break
        if event.get("event") == "user" and wants_open_now(event.get("text")):
            return True
    return wants_open_now(_text(tracker))


def _search_texts(
    *, need: str, area: Any, open_now: bool, now: datetime, channel: str
) -> tuple[list[str], list[str]]:
    """The messages listing the best matches (or Victim Support when none) and their slugs; blocking (database)."""
    with session_scope() as session:
        matches = search(session, need=need, area=area, open_now=open_now, now=now)
        if matches:
            texts = render.results_messages(matches, need=need, area=area, channel=channel)
        else:
            fallback = (agencies_by_slug(session, slugs=[VICTIM_SUPPORT_SLUG]) or [None])[0]
            texts = [render.no_results_text(need=need, area=area, victim_support=fallback, channel=channel)]
        return texts, [match.agency.slug for match in matches]


class ActionFindSupport(Action):
    """Searches the directory for the need and area and lists the top three, numbered."""

    def name(self) -> str:
        return "action_find_support"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        need = normalise_need(tracker.get_slot("need")) or "general"
        area_value = tracker.get_slot("area")
        area = None if area_value in (None, ANY_AREA) else resolve_area(area_value)
        texts, slugs = await run_blocking(
            _search_texts,
            need=need,
            area=area,
            open_now=_asked_open_now(tracker),
            now=_message_time(tracker),
            channel=channel_of(tracker),
        )
        for text in texts:
            dispatcher.utter_message(text=text)
        return [SlotSet("support_results", slugs)]


def _agencies(slugs: list[str]) -> list[Agency]:
    """The agencies with these slugs, in order (detached; their columns loaded); blocking (database)."""
    with session_scope() as session:
        return agencies_by_slug(session, slugs=slugs)


class ValidateReferralForm(FormValidationAction):
    """Reads which listed agency to refer to ("2", "the first one", a name) or "no thanks"."""

    def name(self) -> str:
        return "validate_referral_form"

    async def validate_referral_choice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict:
        text = str(value or "")
        if text == "none" or is_decline(text):
            return {"referral_choice": "none", "referral_consent": False}
        agencies = await run_blocking(_agencies, list(tracker.get_slot("support_results") or []))
        if text in {agency.slug for agency in agencies}:
            return {"referral_choice": text}
        index = parse_choice(text, [agency.name for agency in agencies])
        if index is None:
            if offer_help_if_risky(dispatcher, tracker):
                return {"referral_choice": None}
            numbers = ", ".join(str(number) for number in range(1, len(agencies) + 1)) or "a number"
            dispatcher.utter_message(response="utter_referral_choice_unclear", numbers=numbers)
            return {"referral_choice": None}
        chosen = agencies[index]
        if not chosen.accepts_referrals:
            dispatcher.utter_message(
                response="utter_referral_not_taken", agency_name=chosen.name, contact=contact_line(chosen)
            )
            return {"referral_choice": None}
        return {"referral_choice": chosen.slug}

    def validate_referral_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict:
        return {"referral_consent": value if isinstance(value, bool) else None}


class ActionAskReferralConsent(Action):
    """Asks explicitly for consent to share the person's details with the chosen agency."""

    def name(self) -> str:
        return "action_ask_referral_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        chosen = await run_blocking(_agencies, [str(tracker.get_slot("referral_choice"))])
        name = chosen[0].name if chosen else "the service you chose"
        dispatcher.utter_message(**render.consent_message(name, channel_of(tracker)))
        return []


def _message_time(tracker: Tracker) -> datetime:
    """When the user sent their latest message (UTC): "open now" and consent refer to that moment."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and event.get("timestamp"):
            return datetime.fromtimestamp(float(event["timestamp"]), tz=timezone.utc)
    return datetime.now(timezone.utc)


def _refer(*, agency_slug: str, channel: str, **referral: Any) -> str:
    """Record a consented referral and say what happens next; blocking (database)."""
    try:
        with session_scope() as session:
            record_referral(session, agency_slug=agency_slug, **referral)
            return render.referral_made_text(agencies_by_slug(session, slugs=[agency_slug])[0], channel)
    except ReferralError:
        return render.no_referral_text(channel)


class ActionMakeReferral(Action):
    """Records the referral only when consent was given, tells the user what happens next, resets the form."""

    def name(self) -> str:
        return "action_make_referral"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        choice = tracker.get_slot("referral_choice")
        text = render.no_referral_text(channel_of(tracker))
        if tracker.get_slot("referral_consent") is True and choice not in (None, "none"):
            area = tracker.get_slot("area")
            text = await run_blocking(
                _refer,
                agency_slug=str(choice),
                channel=channel_of(tracker),
                sender_id=tracker.sender_id,
                need=normalise_need(tracker.get_slot("need")) or "general",
                area=None if area == ANY_AREA else area,
                consent_given_at=_message_time(tracker).replace(tzinfo=None),
            )
        dispatcher.utter_message(text=text)
        return [SlotSet("referral_choice", None), SlotSet("referral_consent", None)]
