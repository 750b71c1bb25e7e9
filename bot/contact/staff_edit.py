"""Staff read and change a verified victim's safe-contact preferences from their conversation; both are audited."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.identities import SenderAddress
from bot.console import audit
from bot.contact import preferences
from bot.handoff.queue import get_handoff
from bot.models.cases import ContactIdentity

VIEWED, SAVED = "view_contact_preferences", "save_contact_preferences"


@dataclass(frozen=True)
class PreferencesView:
    """What the console form shows for one conversation (`verified` False: there is nobody to set them for)."""

    handoff_id: int
    verified: bool
    values: dict[str, object] = field(default_factory=dict)


def _victim_of(session: Session, handoff_id: int) -> int | None:
    """The verified victim writing in this conversation (HandoffNotFound when there is no such hand-off)."""
    address = SenderAddress.parse(get_handoff(session, handoff_id=handoff_id).sender_id)
    return session.scalar(
        select(ContactIdentity.victim_id).where(
            ContactIdentity.channel == address.channel,
            ContactIdentity.address == address.id,
            ContactIdentity.verified_at.is_not(None),
        )
    )


def view_preferences(session: Session, *, handoff_id: int, staff_id: int) -> PreferencesView:
    """The victim's current preferences for the form; the view is audited."""
    victim_id = _victim_of(session, handoff_id)
    audit.record(session, staff_id=staff_id, action=VIEWED, target=str(handoff_id))
    if victim_id is None:
        return PreferencesView(handoff_id=handoff_id, verified=False)
    return PreferencesView(handoff_id, True, preferences.load(session, victim_id).as_form())


def save_preferences(session: Session, *, handoff_id: int, staff_id: int, wanted: preferences.Preferences) -> bool:
    """Store what staff set for this conversation's victim (audited, without personal data); False if unverified."""
    victim_id = _victim_of(session, handoff_id)
    if victim_id is None:
        return False
    preferences.save(session, victim_id, wanted, updated_by=f"staff:{staff_id}")
    audit.record(
        session,
        staff_id=staff_id,
        action=SAVED,
        target=str(handoff_id),
        channels=",".join(wanted.channels) or "any",
        window=str(wanted.window or "any"),
        no_weekends=wanted.no_weekends,
        ask_first=wanted.ask_first,
    )
    return True
