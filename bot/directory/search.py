"""Find the best agencies for a need and place: local before national, specialists first, eligibility respected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.hours import describe_status, is_open
from bot.directory.needs import NEED_KEYS, normalise_need
from bot.directory.places import Area, district_names, resolve_area
from bot.directory.store import inactive_agency_ids
from bot.models.directory import Agency


@dataclass(frozen=True)
class Match:
    """One search result: the agency, whether it is open now, how to contact it and its opening status."""

    agency: Agency
    open_now: bool
    local: bool
    contact: str
    status: str


def contact_line(agency: Agency) -> str:
    """One line of contact details, e.g. "Call 0808 2000 247; nationaldahelpline.org.uk" (GSM-7 safe)."""
    parts = []
    if agency.phone:
        parts.append(f"Call {agency.phone}")
    if agency.text_number:
        parts.append(f"text {agency.text_number}" if parts else f"Text {agency.text_number}")
    if agency.email and not agency.phone:
        parts.append(f"email {agency.email}" if parts else f"Email {agency.email}")
    if agency.website:
        parts.append(agency.website.removeprefix("https://").removeprefix("http://").rstrip("/"))
    return "; ".join(parts)


def serves_area(agency: Agency, area: Area | None) -> bool:
    """Whether a local agency covers `area` (no area: only agencies covering all of Southmoor)."""
    if area is None:
        return set(district_names()) <= set(agency.areas or [])
    if area.district in (agency.areas or []):
        return True
    return area.postcode_district is not None and area.postcode_district in (agency.postcode_districts or [])


def eligible(agency: Agency, *, age: int | None, gender: str | None) -> bool:
    """Whether the person may use the agency, as far as we know their age and gender."""
    if age is not None and agency.min_age is not None and age < agency.min_age:
        return False
    if age is not None and agency.max_age is not None and age > agency.max_age:
        return False
    return not (gender and agency.genders and gender not in agency.genders)


def search(
    session: Session,
    *,
    need: str,
    area: Area | str | None = None,
    open_now: bool = False,
    age: int | None = None,
    gender: str | None = None,
    now: datetime | None = None,
    limit: int = 3,
) -> list[Match]:
    """The best `limit` agencies for `need` (a key or free text) in `area` (an Area, a place name or postcode).

    Ranking: local agencies serving the area before national ones, then specialists (fewer needs)
    before generalists, then name; with `open_now`, agencies open at `now` come first of all.
    If none of the chosen ones is open now, the last place goes to the best one that is (a 24/7
    helpline, usually), so a victim always has someone to call at this moment.
    """
    need_key = need if need in NEED_KEYS else normalise_need(need)
    if need_key is None:
        raise ValueError(f"unknown need {need!r}")
    if isinstance(area, str):
        area = resolve_area(area)
    hidden = inactive_agency_ids(session)
    matches = []
    for agency in session.scalars(select(Agency).order_by(Agency.name)):
        if agency.id in hidden or need_key not in (agency.needs or []):
            continue
        if not agency.national and not serves_area(agency, area):
            continue
        if not eligible(agency, age=age, gender=gender):
            continue
        matches.append(
            Match(
                agency=agency,
                open_now=is_open(agency, now),
                local=not agency.national,
                contact=contact_line(agency),
                status=describe_status(agency, now),
            )
        )
    matches.sort(
        key=lambda match: (
            open_now and not match.open_now,
            not match.local,
            len(match.agency.needs),
            match.agency.name,
        )
    )
    chosen = matches[:limit]
    if len(chosen) >= 2 and not any(match.open_now for match in chosen):
        open_elsewhere = next((match for match in matches[limit:] if match.open_now), None)
        if open_elsewhere is not None:
            chosen[-1] = open_elsewhere
    return chosen
