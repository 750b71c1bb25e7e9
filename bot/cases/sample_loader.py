"""Load the fictional sample cases (data/sample/cases.yml) into the case store, hashing their secrets."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.answers import normalise_postcode
from bot.cases.crime_ref import is_valid_reference
from bot.cases.hashing import dob_postcode_secret, hash_secret, secret_matches
from bot.cases.pins import MIN_PIN_DIGITS, is_acceptable_pin
from bot.cases.possession import CODE_CHANNELS, SENSITIVE_CATEGORIES
from bot.models.cases import CASE_STATUSES, Case, CaseUpdate, Victim

logger = logging.getLogger(__name__)


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _victim_from(entry: dict[str, Any]) -> Victim:
    """A victim with hashed secrets; the plaintext sample answers go no further than this function."""
    victim = Victim(first_name=entry["first_name"], enhanced_entitlement=bool(entry.get("enhanced", False)))
    if entry.get("dob") and entry.get("postcode"):
        secret = dob_postcode_secret(dob=_as_date(entry["dob"]), postcode=normalise_postcode(str(entry["postcode"])))
        victim.dob_postcode_hash = hash_secret(secret)
    if entry.get("pin"):
        if not is_acceptable_pin(str(entry["pin"])):
            raise ValueError(f"{entry['first_name']}: a PIN needs at least {MIN_PIN_DIGITS} random digits")
        victim.pin_hash = hash_secret(str(entry["pin"]))
    victim.preferred_channel = entry.get("preferred_channel", "sms")
    _apply_contact(victim, entry)
    return victim


def _apply_contact(victim: Victim, entry: dict[str, Any]) -> None:
    contact = entry.get("contact") or {}
    if contact and contact.get("channel") not in CODE_CHANNELS:
        raise ValueError(f"{entry['first_name']}: a contact is on one of {sorted(CODE_CHANNELS)}")
    victim.contact_channel = contact.get("channel")
    victim.contact_address = str(contact["address"]) if contact.get("address") else None


def _refresh_victims(case: Case, entries: list[dict[str, Any]]) -> None:
    """Bring existing sample victims' contact and PIN up to date with the file (matched by first name)."""
    by_name = {victim.first_name: victim for victim in case.victims}
    for entry in entries:
        victim = by_name.get(entry["first_name"])
        if victim is None:
            continue
        _apply_contact(victim, entry)
        pin = str(entry.get("pin") or "")
        if pin and not secret_matches(stored_hash=victim.pin_hash, secret=pin):
            if not is_acceptable_pin(pin):
                raise ValueError(f"{entry['first_name']}: a PIN needs at least {MIN_PIN_DIGITS} random digits")
            victim.pin_hash = hash_secret(pin)


def _apply_case_fields(case: Case, entry: dict[str, Any]) -> None:
    if entry["status"] not in CASE_STATUSES:
        raise ValueError(f"{entry['reference']}: unknown status {entry['status']}")
    officer = entry.get("officer") or {}
    hearing = entry.get("next_hearing") or {}
    timeline = entry.get("timeline") or []
    if entry.get("category") and entry["category"] not in SENSITIVE_CATEGORIES:
        raise ValueError(f"{entry['reference']}: unknown category {entry['category']}")
    case.offence = entry["offence"]
    case.offence_category = entry.get("category")
    case.status = entry["status"]
    case.district = entry.get("district")
    case.officer_name = officer.get("name")
    case.officer_contact = officer.get("contact")
    case.reported_on = _as_date(entry["reported_on"])
    case.next_hearing_at = _as_datetime(hearing["at"]) if hearing.get("at") else None
    case.next_hearing_court = hearing.get("court")
    status_times = [_as_datetime(item["at"]) for item in timeline if item.get("status") == entry["status"]]
    case.status_changed_at = max(status_times) if status_times else _as_datetime(f"{case.reported_on}T00:00")


def _add_missing_timeline(session: Session, case: Case, entries: list[dict[str, Any]]) -> None:
    """Add timeline entries not already present (matched on time and wording)."""
    existing = {(update.occurred_at, update.summary) for update in case.updates}
    for item in entries:
        occurred_at = _as_datetime(item["at"])
        if (occurred_at, item["summary"]) in existing:
            continue
        session.add(
            CaseUpdate(
                case=case,
                occurred_at=occurred_at,
                status=item.get("status"),
                summary=item["summary"],
                shareable=bool(item.get("shareable", True)),
                # sample history counts as already told, except entries marked as a pending notification
                notified_at=None if item.get("pending_notification") else occurred_at,
            )
        )


def load_sample_cases(session: Session, path: Path | str) -> int:
    """Load or refresh every case in `path`; returns how many cases were new. Safe to run repeatedly.

    Existing references get their fields refreshed and missing timeline entries added; their victims get
    the file's contact and PIN (a date of birth and postcode are not re-hashed). PINs must have at least
    6 digits; a victim's `contact` ({channel: sms|telegram, address}) is where one-time codes go.
    """
    with Path(path).open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle)["cases"]
    created = 0
    for entry in entries:
        reference = entry["reference"]
        if not is_valid_reference(reference):
            raise ValueError(f"not a crime reference: {reference}")
        case = session.scalar(select(Case).where(Case.reference == reference))
        if case is None:
            case = Case(reference=reference)
            case.victims = [_victim_from(victim) for victim in entry.get("victims") or []]
            session.add(case)
            created += 1
        else:
            _refresh_victims(case, entry.get("victims") or [])
        _apply_case_fields(case, entry)
        session.flush()
        _add_missing_timeline(session, case, entry.get("timeline") or [])
    session.flush()
    logger.info("sample cases loaded: %d new, %d in file", created, len(entries))
    return created
