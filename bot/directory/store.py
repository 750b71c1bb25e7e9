"""Agency look-ups shared by search and referrals, and the active flag (migration 0002_directory)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import false, select, update
from sqlalchemy.orm import Session

from bot.models.directory import Agency


def inactive_agency_ids(session: Session) -> set[int]:
    """Ids of agencies that are no longer listed (kept only because referrals point at them)."""
    return set(session.scalars(select(Agency.id).where(Agency.active == false())))


def set_active(session: Session, *, agency_ids: Iterable[int], active: bool) -> None:
    """Mark agencies active (listed) or inactive (delisted)."""
    ids = list(agency_ids)
    if ids:
        session.execute(update(Agency).where(Agency.id.in_(ids)).values(active=active))


def agencies_by_slug(session: Session, *, slugs: list[str]) -> list[Agency]:
    """The agencies with these slugs, in the order given (missing ones skipped)."""
    found = {agency.slug: agency for agency in session.scalars(select(Agency).where(Agency.slug.in_(slugs)))}
    return [found[slug] for slug in slugs if slug in found]
