"""Test data for agency tests: directory agencies, their accounts and consented referrals."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.agencies.accounts import add_agency_user
from bot.directory.referrals import record_referral
from bot.models.cases import Victim
from bot.models.directory import Agency, Referral
from tests.handoff.factories import PASSWORD


def make_agency(session: Session, slug: str, name: str) -> Agency:
    """A committed agency that takes referrals."""
    agency = Agency(slug=slug, name=name, summary="Support after crime.", needs=["domestic_abuse"], areas=[])
    session.add(agency)
    session.commit()
    return agency


def make_agency_user(session: Session, username: str, agency_slug: str) -> None:
    """A committed agency account for `agency_slug`, with the shared test password."""
    add_agency_user(session, username=username, display_name=username.title(), agency_slug=agency_slug,
                    password=PASSWORD)
    session.commit()


def make_referral(
    session: Session, agency_slug: str, sender_id: str, *, first_name: str | None = None, need: str = "domestic_abuse"
) -> Referral:
    """A committed referral the victim consented to; with `first_name`, linked to a verified victim."""
    referral = record_referral(session, agency_slug=agency_slug, sender_id=sender_id, need=need, area="Southmoor")
    if first_name:
        victim = Victim(first_name=first_name)
        session.add(victim)
        session.flush()
        referral.victim_id = victim.id
    session.commit()
    return referral
