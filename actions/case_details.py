"""DETAILS after a case update: the offence, news, court date and officer, only to a sender who passed both factors."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.cases.crime_ref import is_valid_reference
from bot.cases.grants import granted_victim
from bot.cases.summary import case_details_messages
from bot.cases.verification import normalise_reference
from bot.db import session_scope
from bot.models.base import utcnow
from bot.off_loop import run_blocking

logger = logging.getLogger(__name__)


def details_for(sender_id: str, reference: str) -> list[str] | None:
    """The details, only if the database holds a current grant of both factors to this sender for this case.

    Blocking (database): the action calls it through run_blocking.
    """
    with session_scope() as session:
        granted = granted_victim(session, reference=reference, sender_key=sender_id, now=utcnow())
        if granted is None:
            return None
        case, victim = granted
        return case_details_messages(session, case_id=case.id, victim_id=victim.id)


class ActionGiveCaseDetails(Action):
    """The victim asked for details after their update; anyone not verified for the case is told to check first."""

    def name(self) -> str:
        return "action_give_case_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reference = tracker.get_slot("verified_reference")
        messages = None
        if tracker.get_slot("verified") is True and is_valid_reference(reference):
            messages = await run_blocking(details_for, tracker.sender_id, normalise_reference(reference))
        if not messages:
            logger.info("case details asked for without a current grant")
            dispatcher.utter_message(response="utter_case_details_need_check")
            return []
        for message in messages:
            dispatcher.utter_message(text=message)
        return []
