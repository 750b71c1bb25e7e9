"""Case update form: take a crime reference, verify the victim, then give the update (thin; calls bot.cases)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select

from bot.cases import dialogue_texts as texts
from bot.cases.conversation import answer_so_far, said_since_user
from bot.cases.crime_ref import find_reference, is_valid_reference
from bot.cases.identities import find_identity, link_verified, split_sender
from bot.cases.summary import case_update_message
from bot.cases.verification import is_locked, parse_verification_answer, recently_verified, verify
from bot.db import session_scope
from bot.models.cases import Case

logger = logging.getLogger(__name__)

VERIFIED_MARK = "verified"  # what the verification_answer slot holds after success (never the answer itself)
VERIFIED_WITHIN = timedelta(hours=24)  # a verified slot is honoured only with a matching recorded success
SKIP_INTENTS = frozenset(
    {"risk_disclosure", "talk_to_human", "opt_out", "bot_challenge", "ask_rights", "report_crime", "find_support"}
)
EXIT_INTENTS = frozenset({"deny", "goodbye"})
END_FORM: dict[str, Any] = {"crime_ref": None, "verification_answer": None, "requested_slot": None}


def _wants_something_else(tracker: Tracker) -> bool:
    """True when the message is for another part of the dialogue (risk, a person, opt-out...)."""
    message = tracker.latest_message or {}
    risk = message.get("risk") or {}
    intent = (message.get("intent") or {}).get("name")
    return bool(risk.get("escalate")) or intent in SKIP_INTENTS


def _reference_before_this_message(tracker: Tracker) -> str | None:
    """The crime_ref slot as it was when the latest user message arrived."""
    value: str | None = None
    latest_user = max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1)
    for event in tracker.events[: max(latest_user, 0)]:
        if event.get("event") == "slot" and event.get("name") == "crime_ref":
            value = event.get("value")
        elif event.get("event") in ("session_started", "restart"):
            value = None
    return value if is_valid_reference(value) else None


def _already_verified(tracker: Tracker, reference: str) -> bool:
    return tracker.get_slot("verified") is True and tracker.get_slot("verified_reference") == reference


class ValidateCaseUpdateForm(FormValidationAction):
    """Validates `case_update_form`: crime_ref, then verification_answer."""

    def name(self) -> str:
        return "validate_case_update_form"

    async def extract_crime_ref(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Fill crime_ref from free text even when NLU found no entity (only while it is being asked for)."""
        requested = tracker.get_slot("requested_slot")
        text = (tracker.latest_message or {}).get("text") or ""
        if requested not in ("crime_ref", None) or _wants_something_else(tracker):
            return {}
        reference = find_reference(text)
        if reference:
            return {"crime_ref": reference}
        if ((tracker.latest_message or {}).get("intent") or {}).get("name") in EXIT_INTENTS:
            return {}  # "no" or "bye": let the dialogue's rules end or redirect the form
        # pass the text on so validate_crime_ref can say what a reference looks like
        return {"crime_ref": text} if requested == "crime_ref" and text.strip() else {}

    async def validate_crime_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reference = find_reference(str(value or "")) or find_reference((tracker.latest_message or {}).get("text"))
        previous = _reference_before_this_message(tracker)
        if not reference and previous and tracker.get_slot("requested_slot") == "verification_answer":
            return {"crime_ref": previous}  # a stray entity in an answer does not replace the reference
        if not reference:
            dispatcher.utter_message(text=texts.INVALID_REF)
            return {"crime_ref": None}
        if _already_verified(tracker, reference):
            return {"crime_ref": reference, "verification_answer": VERIFIED_MARK}
        with session_scope() as session:
            locked = is_locked(session, reference=reference, sender_key=tracker.sender_id)
        if locked:
            dispatcher.utter_message(text=texts.LOCKED)
            return dict(END_FORM)
        return {"crime_ref": reference, "verification_answer": None}

    async def validate_verification_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reference = tracker.get_slot("crime_ref")
        if not is_valid_reference(reference):
            return {"crime_ref": None, "verification_answer": None}
        if value == VERIFIED_MARK and _already_verified(tracker, reference):
            return {"verification_answer": VERIFIED_MARK}
        answer = answer_so_far(tracker.events) or parse_verification_answer(str(value or ""))
        if answer.is_empty:
            new_reference = find_reference(str(value or ""))
            if new_reference and new_reference != reference:
                return await self.validate_crime_ref(new_reference, dispatcher, tracker, domain)
            dispatcher.utter_message(text=texts.UNREADABLE_ANSWER)
            return {"verification_answer": None}
        if not answer.is_complete:
            return {"verification_answer": None}  # action_ask_verification_answer asks for the missing part
        channel, address = split_sender(tracker.sender_id)
        with session_scope() as session:
            outcome = verify(session, reference=reference, sender_key=tracker.sender_id, answer=answer)
            if outcome.verified and outcome.victim_id is not None:
                link_verified(session, channel=channel, address=address, victim_id=outcome.victim_id)
        if outcome.verified:
            return {"verification_answer": VERIFIED_MARK, "verified": True, "verified_reference": reference}
        if outcome.locked:
            dispatcher.utter_message(text=texts.LOCKED)
            return dict(END_FORM)
        dispatcher.utter_message(text=texts.wrong_answer_text(outcome.attempts_left))
        return {"verification_answer": None}


class ActionAskCrimeRef(Action):
    """Asks for the crime reference and says where to find it."""

    def name(self) -> str:
        return "action_ask_crime_ref"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        again = said_since_user(tracker.events, [texts.INVALID_REF])
        dispatcher.utter_message(text=texts.ASK_CRIME_REF_AGAIN if again else texts.ASK_CRIME_REF)
        return []


class ActionAskVerificationAnswer(Action):
    """Asks for date of birth and postcode or the PIN, or only for the part still missing."""

    def name(self) -> str:
        return "action_ask_verification_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        answer = answer_so_far(tracker.events)
        if answer is not None and not answer.is_complete and not answer.is_empty and answer.pin is None:
            dispatcher.utter_message(text=texts.ASK_POSTCODE if answer.dob else texts.ASK_DOB)
        elif said_since_user(tracker.events, [texts.WRONG_ANSWER, texts.UNREADABLE_ANSWER]):
            dispatcher.utter_message(text=texts.ASK_VERIFICATION_AGAIN)
        else:
            dispatcher.utter_message(text=texts.ASK_VERIFICATION)
        return []


class ActionGiveCaseUpdate(Action):
    """Gives the case update to a verified victim; anyone else gets nothing and the check starts again."""

    def name(self) -> str:
        return "action_give_case_update"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reference = tracker.get_slot("verified_reference")
        asked_for = tracker.get_slot("crime_ref")
        clear = [SlotSet("crime_ref", None), SlotSet("verification_answer", None)]
        if said_since_user(tracker.events, [texts.LOCKED]):
            return clear  # the form ended on a lock-out; the lock message already said what to do
        if tracker.get_slot("verified") is True and is_valid_reference(reference) and asked_for in (None, reference):
            message = self._message_for(tracker.sender_id, reference)
            if message is not None:
                dispatcher.utter_message(text=message)
                return clear
        dispatcher.utter_message(text=texts.NOT_VERIFIED)
        return [SlotSet("verified", False), SlotSet("verified_reference", None), *clear,
                FollowupAction("case_update_form")]

    @staticmethod
    def _message_for(sender_id: str, reference: str) -> str | None:
        """The update, only if the database confirms this sender verified for this reference."""
        channel, address = split_sender(sender_id)
        with session_scope() as session:
            if not recently_verified(session, reference=reference, sender_key=sender_id, within=VERIFIED_WITHIN):
                logger.warning("verified slot without a recorded verification; refusing")
                return None
            identity = find_identity(session, channel=channel, address=address)
            case = session.scalar(select(Case).where(Case.reference == reference))
            if identity is None or case is None or identity.victim_id not in {v.id for v in case.victims}:
                return None
            return case_update_message(session, case_id=case.id, victim_id=identity.victim_id)
