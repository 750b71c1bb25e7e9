"""Case update replies: the form's questions, and the update itself once the database confirms both factors."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.case_update import ENDING_RESPONSES
from bot.cases.conversation import answer_so_far, responded_since_user
from bot.cases.crime_ref import is_valid_reference
from bot.cases.grants import granted_victim
from bot.cases.summary import case_update_message
from bot.cases.verification import normalise_reference
from bot.db import session_scope
from bot.models.base import utcnow
from bot.off_loop import run_blocking

logger = logging.getLogger(__name__)

# After these the question is asked again briefly ("Please send your date of birth and postcode, or your PIN.")
FAILED_ANSWER_RESPONSES = (
    "utter_verification_wrong", "utter_verification_wrong_tries_left", "utter_verification_wrong_last_try",
    "utter_verification_unreadable",
)
CODE_ASKED_RESPONSES = ("utter_code_sent", "utter_code_not_resent", "utter_verification_wait")  # these ask already


class ActionAskCrimeRef(Action):
    """Asks for the crime reference and says where to find it."""

    def name(self) -> str:
        return "action_ask_crime_ref"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        again = responded_since_user(tracker.events, ["utter_invalid_crime_ref"])
        dispatcher.utter_message(response="utter_ask_crime_ref_again" if again else "utter_ask_crime_ref")
        return []


class ActionAskVerificationAnswer(Action):
    """Asks for date of birth and postcode or the PIN, or only for the part still missing."""

    def name(self) -> str:
        return "action_ask_verification_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        answer = answer_so_far(tracker.events)
        if responded_since_user(tracker.events, ["utter_verification_wait"]):
            return []  # "please wait a minute, then send your answer again" already asked
        if answer is not None and not answer.is_complete and not answer.is_empty and answer.pin is None:
            dispatcher.utter_message(response="utter_ask_postcode" if answer.dob else "utter_ask_dob")
        elif responded_since_user(tracker.events, FAILED_ANSWER_RESPONSES):
            dispatcher.utter_message(response="utter_ask_verification_again")
        else:
            dispatcher.utter_message(response="utter_ask_verification")
        return []


class ActionAskVerificationCode(Action):
    """Asks for the one-time code, unless the message saying it was sent (or to wait) has just gone out."""

    def name(self) -> str:
        return "action_ask_verification_code"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not responded_since_user(tracker.events, CODE_ASKED_RESPONSES):
            dispatcher.utter_message(response="utter_ask_code_again")
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
        clear = [SlotSet("crime_ref", None), SlotSet("verification_answer", None), SlotSet("verification_code", None)]
        if responded_since_user(tracker.events, ENDING_RESPONSES):
            return clear  # the form ended on a lock-out or a refusal that already said what to do
        if tracker.get_slot("verified") is True and is_valid_reference(reference) and asked_for in (None, reference):
            message = await run_blocking(self._message_for, tracker.sender_id, normalise_reference(reference))
            if message is not None:
                dispatcher.utter_message(text=message)
                return clear
        dispatcher.utter_message(response="utter_not_verified")
        return [SlotSet("verified", False), SlotSet("verified_reference", None), *clear,
                FollowupAction("case_update_form")]

    @staticmethod
    def _message_for(sender_id: str, reference: str) -> str | None:
        """The update, only if the database holds a current grant of both factors to this sender for this case.

        Blocking (database): called through run_blocking.
        """
        with session_scope() as session:
            granted = granted_victim(session, reference=reference, sender_key=sender_id, now=utcnow())
            if granted is None:
                logger.warning("verified slot without a current two-factor grant; refusing")
                return None
            case, victim = granted
            return case_update_message(session, case_id=case.id, victim_id=victim.id)
