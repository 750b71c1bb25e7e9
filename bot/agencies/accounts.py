"""Agency accounts: create one tied to a directory agency, and find the agency a signed-in account belongs to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.agencies.models import AgencyAccount
from bot.console.staff_store import StaffError, add_staff
from bot.models.directory import Agency
from bot.models.staff import AGENCY_ROLE, Staff


def add_agency_user(session: Session, *, username: str, display_name: str, agency_slug: str, password: str) -> Staff:
    """A console account with the "agency" role that sees only `agency_slug`'s referrals (the caller commits)."""
    agency = session.scalars(select(Agency).where(Agency.slug == agency_slug)).first()
    if agency is None:
        raise StaffError(f"No agency {agency_slug!r} in the directory.")
    # add_staff checks the username and password and knows only the gateway's roles: the account becomes an
    # agency account in the same transaction, so it never exists as a worker.
    staff = add_staff(session, username=username, display_name=display_name, role="worker", password=password)
    staff.role = AGENCY_ROLE
    session.add(AgencyAccount(staff_id=staff.id, agency_id=agency.id))
    session.flush()
    return staff


def agency_of(session: Session, *, staff_id: int) -> Agency | None:
    """The agency an agency account belongs to (None for gateway staff)."""
    linked = select(Agency).join(AgencyAccount, AgencyAccount.agency_id == Agency.id)
    return session.scalars(linked.where(AgencyAccount.staff_id == staff_id)).first()
