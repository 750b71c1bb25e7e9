"""Find the best agencies for a need and place: local before national, specialists first, eligibility respected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.hours import describe_status, is_always_open, is_open
from bot.directory.needs import NEED_KEYS, key_services, normalise_need
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
    With room for more than one result, the list always holds the need's key national services
    (needs.yml `key_services`, e.g. the 24/7 helpline or the reporting centre) and at least one
    service open at `now`: a 24/7 specialist line if the need has one, else the best one open, else
    an open service for any crime (Victim Support), so a victim always has someone to call now.
    """
    need_key = need if need in NEED_KEYS else normalise_need(need)
    if need_key is None:
        raise ValueError(f"unknown need {need!r}")
    if isinstance(area, str):
        area = resolve_area(area)
    candidates = _candidates(session, need_key=need_key, area=area, age=age, gender=gender, now=now)
    ranked = sorted(
        (match for match in candidates if need_key in (match.agency.needs or [])),
        key=lambda match: (
            open_now and not match.open_now, not match.local, len(match.agency.needs), match.agency.name
        ),
    )
    if limit < 2 or not ranked:
        return ranked[:limit]  # nothing fits the need: the caller offers Victim Support instead
    reserved = [match for match in ranked if match.agency.slug in key_services(need_key)][: limit - 1]
    if not any(match.open_now for match in reserved):
        fallback = [match for match in candidates if "general" in (match.agency.needs or [])]
        open_one = _best_open(ranked, need_key) or _best_open(fallback, "general")
        if open_one is not None and open_one not in reserved:
            reserved = [*reserved[: limit - 2], open_one]
    keys_only = [match for match in reserved if match.agency.slug in key_services(need_key)]
    if any(match.open_now for match in _top_others(ranked, keys_only, limit)):
        reserved = keys_only  # the best-ranked services already include one open now
    rest = _top_others(ranked, reserved, limit)
    order = {id(match): index for index, match in enumerate(ranked)}
    return sorted(rest + reserved, key=lambda match: order.get(id(match), len(order)))


def _top_others(ranked: list[Match], reserved: list[Match], limit: int) -> list[Match]:
    """The best-ranked matches that fill the places `reserved` leaves."""
    return [match for match in ranked if match not in reserved][: limit - len(reserved)]


def _candidates(
    session: Session, *, need_key: str, area: Area | None, age: int | None, gender: str | None, now: datetime | None
) -> list[Match]:
    """Active agencies for the need (or for any crime, "general") that serve the area and take this person."""
    hidden = inactive_agency_ids(session)
    matches = []
    for agency in session.scalars(select(Agency).order_by(Agency.name)):
        needs = agency.needs or []
        if agency.id in hidden or (need_key not in needs and "general" not in needs):
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
    return matches


def _best_open(matches: list[Match], need_key: str) -> Match | None:
    """The best service open now: key services, then 24/7 lines, then specialists (fewest needs), then name."""
    keys = key_services(need_key)
    open_matches = [match for match in matches if match.open_now]
    open_matches.sort(
        key=lambda match: (
            match.agency.slug not in keys,
            not is_always_open(match.agency),
            len(match.agency.needs),
            match.agency.name,
        )
    )
    return open_matches[0] if open_matches else None
