"""Test data factories for the case store: one case with one fictional victim, secrets hashed, a registered number."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.cases.hashing import dob_postcode_secret, hash_secret
from bot.models.cases import Case, CaseUpdate, Victim

DOB = date(1980, 2, 1)
POSTCODE = "SX12AB"
CONTACT_NUMBER = "+447700900555"  # the victim's registered number (a message from it proves possession)


def make_case(
    session: Session,
    *,
    reference: str = "SP/20001/26",
    status: str = "under_investigation",
    first_name: str = "Alex",
    dob: date | None = DOB,
    postcode: str | None = POSTCODE,
    pin: str | None = None,
    enhanced: bool = False,
    contact: tuple[str, str] | None = ("sms", CONTACT_NUMBER),
    category: str | None = None,
    updates: list[tuple[datetime, str, bool]] = (),  # type: ignore[assignment]
    **fields,
) -> tuple[Case, Victim]:
    """A committed case with one victim; `contact` is (channel, address), `updates` (at, summary, shareable)."""
    victim = Victim(first_name=first_name, enhanced_entitlement=enhanced)
    if contact:
        victim.contact_channel, victim.contact_address = contact
    if dob and postcode:
        victim.dob_postcode_hash = hash_secret(dob_postcode_secret(dob=dob, postcode=postcode))
    if pin:
        victim.pin_hash = hash_secret(pin)
    case = Case(
        reference=reference,
        offence=fields.pop("offence", "Burglary of a home"),
        offence_category=category,
        status=status,
        reported_on=fields.pop("reported_on", date(2026, 9, 14)),
        officer_name=fields.pop("officer_name", "DC Example Jones"),
        officer_contact=fields.pop("officer_contact", "101, quoting the reference"),
        **fields,
    )
    case.victims = [victim]
    for occurred_at, summary, shareable in updates:
        case.updates.append(CaseUpdate(occurred_at=occurred_at, summary=summary, shareable=shareable))
    session.add(case)
    session.commit()
    return case, victim
