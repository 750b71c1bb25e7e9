"""Record a referral to an agency after the victim's explicit consent."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.identities import SenderAddress
from bot.models.base import utcnow
from bot.models.directory import Agency, Referral

logger = logging.getLogger(__name__)


class ReferralError(ValueError):
    """The referral cannot be made (unknown agency, or it does not take referrals)."""


def channel_of(sender_id: str) -> str:
    """The channel part of a Rasa sender_id "<channel>:<address>" ("unknown" when there is none)."""
    channel, _address = SenderAddress.parse(sender_id)
    return channel[:20] or "unknown"


def record_referral(
    session: Session,
    *,
    agency_slug: str,
    sender_id: str,
    need: str,
    area: str | None,
    consent_given_at: datetime | None = None,
) -> Referral:
    """Store a new referral (status "new") for the agency; the caller commits."""
    agency = session.scalars(select(Agency).where(Agency.slug == agency_slug)).first()
    if agency is None:
        raise ReferralError(f"no agency {agency_slug!r}")
    if not agency.accepts_referrals:
        raise ReferralError(f"{agency_slug!r} does not accept referrals")
    referral = Referral(
        agency_id=agency.id,
        sender_id=sender_id,
        channel=channel_of(sender_id),
        need=need,
        area=area,
        consent_given_at=consent_given_at or utcnow(),
    )
    session.add(referral)
    session.flush()
    logger.info("referral %s recorded for agency %s", referral.id, agency_slug)
    return referral
