"""Case update form: take a crime reference, check knowledge then possession (thin; calls bot.cases)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.interruptions import interrupting_intents, latest_intent
from bot.cases.answers import VerificationAnswer
from bot.cases.answers import parse_verification_answer as parse_answer
from bot.cases.conversation import answer_so_far
from bot.cases.crime_ref import find_reference, is_valid_reference
from bot.cases.identities import SenderAddress, link_verified
from bot.cases.one_time_codes import read_code
from bot.cases.verification import (
    CODE_NOT_RESENT,
    CODE_SENT,
    LOCKED,
    NO_CODE_ROUTE,
    WAIT,
    CheckOutcome,
    access_refused,
    check_code,
    check_knowledge,
)
from bot.db import session_scope
from bot.off_loop import HASHING, in_session, run_blocking

logger = logging.getLogger(__name__)

VERIFIED_MARK = "verified"  # what the verification slots hold after success (never the answer itself)
KNOWLEDGE_MARK = "checked"  # verification_answer once the knowledge factor passed and a code is awaited
# "No" or "bye" when the reference is asked for: read only after looking for a reference in the message
# ("no, it's SP/12345/26"), then left to the rules, which end or redirect the form.
EXIT_INTENTS = frozenset({"deny", "goodbye"})
END_FORM: dict[str, Any] = {
    "crime_ref": None, "verification_answer": None, "verification_code": None, "requested_slot": None,
}
ENDING_RESPONSES = ("utter_verification_locked", "utter_no_code_route")  # the form ended on these: nothing more


def _wants_something_else(tracker: Tracker, domain: DomainDict, slot: str) -> bool:
    """True when the message is for another part of the dialogue (risk, a person, opt-out...): the risk screen
    escalates, or the domain keeps its intent out of this identity answer (except EXIT_INTENTS, read later)."""
    risk = (tracker.latest_message or {}).get("risk") or {}
    skipped = interrupting_intents(domain, slot=slot, form="case_update_form") - EXIT_INTENTS
    return bool(risk.get("escalate")) or latest_intent(tracker) in skipped


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


def _verified_slots(reference: str) -> dict[str, Any]:
    return {"verification_answer": VERIFIED_MARK, "verification_code": VERIFIED_MARK, "verified": True,
            "verified_reference": reference}


def _say_wrong(dispatcher: CollectingDispatcher, attempts_left: int) -> None:
    """The neutral failure reply with the tries left (the same whether or not the reference exists)."""
    if attempts_left == 1:
        dispatcher.utter_message(response="utter_verification_wrong_last_try")
    elif attempts_left > 1:
        dispatcher.utter_message(response="utter_verification_wrong_tries_left", attempts_left=attempts_left)
    else:
        dispatcher.utter_message(response="utter_verification_wrong")


def _after_check(outcome: CheckOutcome, dispatcher: CollectingDispatcher, reference: str) -> dict[str, Any]:
    """Slots and words for an outcome shared by both steps (granted, locked, wait, no code route)."""
    if outcome.verified:
        return _verified_slots(reference)
    if outcome.status == LOCKED:
        dispatcher.utter_message(response="utter_verification_locked")
        return dict(END_FORM)
    if outcome.status == NO_CODE_ROUTE:
        dispatcher.utter_message(response="utter_no_code_route")
        return dict(END_FORM)
    if outcome.status == WAIT:
        dispatcher.utter_message(response="utter_verification_wait")
        return {}
    _say_wrong(dispatcher, outcome.attempts_left)
    return {"verification_answer": None, "verification_code": None}


def _link(sender_id: str, outcome: CheckOutcome) -> None:
    """Remember which victim this channel address proved to be (for neutral update nudges)."""
    if outcome.verified and outcome.victim_id is not None:
        channel, address = SenderAddress.parse(sender_id)
        with session_scope() as session:
            link_verified(session, channel=channel, address=address, victim_id=outcome.victim_id)


def _check_answer(*, reference: str, sender_key: str, answer: VerificationAnswer) -> CheckOutcome:
    """The knowledge check (argon2, committed on its own), then the link; blocking: run it in the hashing lane."""
    with session_scope() as session:
        outcome = check_knowledge(session, reference=reference, sender_key=sender_key, answer=answer)
    _link(sender_key, outcome)
    return outcome


def _check_code(*, reference: str, sender_key: str, code: str) -> CheckOutcome:
    """The one-time code check (committed on its own), then the link; blocking: run it off the loop."""
    with session_scope() as session:
        outcome = check_code(session, reference=reference, sender_key=sender_key, code=code)
    _link(sender_key, outcome)
    return outcome


class ValidateCaseUpdateForm(FormValidationAction):
    """Validates `case_update_form`: crime_ref, verification_answer (knowledge), verification_code (possession)."""

    def name(self) -> str:
        return "validate_case_update_form"

    async def extract_crime_ref(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Fill crime_ref from free text even when NLU found no entity (only while it is being asked for)."""
        requested = tracker.get_slot("requested_slot")
        text = (tracker.latest_message or {}).get("text") or ""
        if requested not in ("crime_ref", None) or _wants_something_else(tracker, domain, "verification_answer"):
            return {}
        reference = find_reference(text)
        if reference:
            return {"crime_ref": reference}
        if latest_intent(tracker) in EXIT_INTENTS:
            return {}  # "no" or "bye": let the dialogue's rules end or redirect the form
        # pass the text on so validate_crime_ref can say what a reference looks like
        return {"crime_ref": text} if requested == "crime_ref" and text.strip() else {}

    async def validate_crime_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reference = find_reference(str(value or "")) or find_reference((tracker.latest_message or {}).get("text"))
        previous = _reference_before_this_message(tracker)
        asking_secret = tracker.get_slot("requested_slot") in ("verification_answer", "verification_code")
        if not reference and previous and asking_secret:
            return {"crime_ref": previous}  # a stray entity in an answer does not replace the reference
        if not reference:
            dispatcher.utter_message(response="utter_invalid_crime_ref")
            return {"crime_ref": None}
        if _already_verified(tracker, reference):
            return {"crime_ref": reference, "verification_answer": VERIFIED_MARK, "verification_code": VERIFIED_MARK}
        if reference == previous and asking_secret:
            return {"crime_ref": reference}  # the reference repeated mid-check: carry on where we were
        refused = await in_session(access_refused, reference=reference, sender_key=tracker.sender_id)
        if refused == LOCKED:
            dispatcher.utter_message(response="utter_verification_locked")
            return dict(END_FORM)
        return {"crime_ref": reference, "verification_answer": None, "verification_code": None}

    async def validate_verification_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reference = tracker.get_slot("crime_ref")
        if not is_valid_reference(reference):
            return {"crime_ref": None, "verification_answer": None, "verification_code": None}
        if value in (VERIFIED_MARK, KNOWLEDGE_MARK):
            return {}  # set by this form, not typed: the database is checked again before any disclosure
        answer = answer_so_far(tracker.events) or parse_answer(str(value or ""))
        if answer.is_empty:
            new_reference = find_reference(str(value or ""))
            if new_reference and new_reference != reference:
                return await self.validate_crime_ref(new_reference, dispatcher, tracker, domain)
            dispatcher.utter_message(response="utter_verification_unreadable")
            return {"verification_answer": None}
        if not answer.is_complete:
            return {"verification_answer": None}  # action_ask_verification_answer asks for the missing part
        outcome = await run_blocking(
            _check_answer, lane=HASHING, reference=reference, sender_key=tracker.sender_id, answer=answer
        )
        if outcome.status in (CODE_SENT, CODE_NOT_RESENT):
            sent = outcome.status == CODE_SENT
            dispatcher.utter_message(response="utter_code_sent" if sent else "utter_code_not_resent")
            return {"verification_answer": KNOWLEDGE_MARK, "verification_code": None}
        slots = _after_check(outcome, dispatcher, reference)
        return slots or {"verification_answer": None}

    async def validate_verification_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reference = tracker.get_slot("crime_ref")
        if not is_valid_reference(reference):
            return {"crime_ref": None, "verification_answer": None, "verification_code": None}
        if value == VERIFIED_MARK:
            return {}  # set by this form; checked again against the database before any disclosure
        if tracker.get_slot("verification_answer") != KNOWLEDGE_MARK or _wants_something_else(
            tracker, domain, "verification_code"
        ):
            return {"verification_code": None}
        code = read_code(str(value or ""))
        if code is None:
            dispatcher.utter_message(response="utter_code_unreadable")
            return {"verification_code": None}
        outcome = await run_blocking(_check_code, reference=reference, sender_key=tracker.sender_id, code=code)
        return _after_check(outcome, dispatcher, reference) or {"verification_code": None}
