"""What each kind of event changes on a case: its fields, its victims, and the timeline entry the victim may read."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from bot.cases.answers import normalise_postcode
from bot.cases.hashing import dob_postcode_secret, hash_secret
from bot.cases.status_text import status_text
from bot.contact.preferences import prefer_channel
from bot.feed import problems
from bot.feed.schema import (
    AnyCaseEvent,
    ContactPreferences,
    CourtDate,
    EnhancedEntitlement,
    NewCase,
    OfficerChange,
    Outcome,
    StatusChange,
    Update,
    VictimInformed,
)
from bot.models.cases import Case, CaseUpdate, Victim

NEW_OFFICER = "A new officer is now in charge of your case."
COURT_DATE_SET = "A court date has been set."


def _case(session: Session, reference: str) -> Case:
    case = session.scalar(select(Case).where(Case.reference == reference))
    if case is None:
        raise problems.unknown_reference(reference)
    return case


def _new_case(session: Session, event: NewCase) -> Case:
    """The case and its victim; the victim's answers are hashed here and go no further."""
    if session.scalar(select(Case.id).where(Case.reference == event.reference)) is not None:
        raise problems.case_exists(event.reference)
    victim = Victim(
        first_name=event.victim_first_name,
        enhanced_entitlement=event.victim_enhanced_entitlement,
        preferred_channel=event.victim_preferred_channel or event.victim_contact_channel or "sms",
        contact_channel=event.victim_contact_channel,
        contact_address=event.victim_contact_address,
    )
    if event.victim_dob and event.victim_postcode:
        secret = dob_postcode_secret(dob=event.victim_dob, postcode=normalise_postcode(event.victim_postcode))
        victim.dob_postcode_hash = hash_secret(secret)
    if event.victim_pin:
        victim.pin_hash = hash_secret(event.victim_pin)
    case = Case(
        reference=event.reference, offence=event.offence, offence_category=event.offence_category,
        status=event.status, district=event.district, officer_name=event.officer_name,
        officer_contact=event.officer_contact, reported_on=event.reported_on, status_changed_at=event.occurred_at,
    )
    case.victims = [victim]
    session.add(case)
    session.flush()
    return case


def _timeline_entry(case: Case, event: AnyCaseEvent, summary: str, status: str | None = None) -> CaseUpdate:
    return CaseUpdate(
        case_id=case.id, occurred_at=event.occurred_at, status=status, summary=summary,
        shareable=bool(event.victim_may_be_told),
    )


def _on_existing_case(case: Case, event: AnyCaseEvent) -> CaseUpdate | None:
    """Change `case` as `event` says; the timeline entry to add, if the event is news."""
    if isinstance(event, StatusChange):
        case.status, case.status_changed_at = event.status, event.occurred_at
        return _timeline_entry(case, event, event.summary or status_text(event.status).meaning, event.status)
    if isinstance(event, Outcome):
        case.status, case.status_changed_at = "outcome", event.occurred_at
        return _timeline_entry(case, event, event.outcome, "outcome")
    if isinstance(event, OfficerChange):
        case.officer_name, case.officer_contact = event.officer_name, event.officer_contact
        return _timeline_entry(case, event, event.summary or NEW_OFFICER)
    if isinstance(event, CourtDate):
        case.next_hearing_at, case.next_hearing_court = event.hearing_at, event.court
        return _timeline_entry(case, event, event.summary or COURT_DATE_SET)
    if isinstance(event, Update):
        return _timeline_entry(case, event, event.summary)
    if isinstance(event, EnhancedEntitlement):
        for victim in case.victims:
            victim.enhanced_entitlement = event.enhanced
        return None
    if isinstance(event, ContactPreferences):
        for victim in case.victims:
            _set_preferences(victim, event)
            if event.preferred_channel is not None:  # also first in their safe-contact channels (bot/contact)
                prefer_channel(object_session(case), victim.id, event.preferred_channel, updated_by="feed")
        return None
    if isinstance(event, VictimInformed):
        return None  # only recorded in case_events, where the clocks read it
    raise TypeError(f"no change defined for {type(event).__name__}")


def _set_preferences(victim: Victim, event: ContactPreferences) -> None:
    if event.consent_updates is not None:
        victim.consent_updates = event.consent_updates
    if event.preferred_channel is not None:
        victim.preferred_channel = event.preferred_channel
    if event.contact_channel is not None:
        victim.contact_channel, victim.contact_address = event.contact_channel, event.contact_address


def change_case(session: Session, event: AnyCaseEvent) -> tuple[Case, CaseUpdate | None]:
    """Apply `event` to its case (refusing before any change if the reference is unknown, or already
    taken for a new case); returns the case and the timeline entry added, if any."""
    if isinstance(event, NewCase):
        return _new_case(session, event), None
    case = _case(session, event.reference)
    entry = _on_existing_case(case, event)
    if entry is not None:
        session.add(entry)
    session.flush()
    return case, entry
