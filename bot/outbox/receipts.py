"""Inbound de-duplication: remember provider message ids so a retried webhook is processed once."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.models import InboundReceipt


def record_receipt(session: Session, *, provider: str, provider_id: str) -> bool:
    """Store and commit the id; True when it is new, False when it was already received.

    Commits (or rolls back) the session itself, so give it a session with nothing else pending.
    """
    session.add(InboundReceipt(provider=provider, provider_id=provider_id[:100]))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True
