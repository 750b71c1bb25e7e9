"""Disclosure grants: the record that one sender passed both factors for one case, re-checked before disclosure."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.possession import NOT_REQUIRED, knowledge_accepted, possession_route
from bot.models.cases import Case, Victim
from bot.models.verification import DisclosureGrant
from bot.settings import get_settings

GRANT_LIFETIME = timedelta(minutes=60)  # as long as a conversation session (domain.yml session_expiration_time)


def record_grant(
    session: Session, *, case: Case, victim: Victim, sender_key: str, knowledge: str, possession: str, now: datetime
) -> DisclosureGrant:
    """Store that `sender_key` proved `knowledge` and `possession` for `case` as `victim`."""
    grant = DisclosureGrant(
        reference=case.reference,
        case_id=case.id,
        victim_id=victim.id,
        sender_key=sender_key,
        knowledge=knowledge,
        possession=possession,
        granted_at=now,
    )
    session.add(grant)
    session.flush()
    return grant


def granted_victim(session: Session, *, reference: str, sender_key: str, now: datetime) -> tuple[Case, Victim] | None:
    """The case and the victim this sender may hear about it as, if a current grant says both factors passed.

    A grant made without the possession factor counts only while the policy still allows that for this
    case and sender, and one made with date of birth and postcode only while the case is not sensitive;
    the victim must still be one of the case's victims.
    """
    grants = session.scalars(
        select(DisclosureGrant)
        .where(
            DisclosureGrant.reference == reference,
            DisclosureGrant.sender_key == sender_key,
            DisclosureGrant.granted_at > now - GRANT_LIFETIME,
            DisclosureGrant.granted_at <= now,
        )
        .order_by(DisclosureGrant.granted_at.desc(), DisclosureGrant.id.desc())
    ).all()
    policy = get_settings().verification_second_factor
    for grant in grants:
        case, victim = session.get(Case, grant.case_id), session.get(Victim, grant.victim_id)  # both cascade-delete it
        if victim not in case.victims or not knowledge_accepted(case, victim, grant.knowledge):
            continue
        still_optional = possession_route(case, victim, sender_key, policy=policy) == NOT_REQUIRED
        if grant.possession == NOT_REQUIRED and not still_optional:
            continue
        return case, victim
    return None
