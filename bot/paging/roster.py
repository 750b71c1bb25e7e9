"""Who is paged: staff on call with a pager contact (a mobile number or an email address), set from the staff CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models.staff import Staff

ON_CALL_LEVEL = "on_call"  # unclaimed for 2 minutes: the on-call worker(s)
SUPERVISOR_LEVEL = "supervisor"  # unclaimed for 5 minutes: the on-call supervisor(s), else every supervisor
_PHONE = re.compile(r"^\+\d{8,15}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PagerError(ValueError):
    """A pager setting that can't be stored; the message is safe to show."""


@dataclass(frozen=True)
class Pager:
    """Where one staff member's page goes: channel "sms" (a number) or "email" (an address)."""

    staff_id: int
    channel: str
    address: str


def pager_channel(contact: str) -> str:
    """The channel of a pager contact: "sms" for a mobile number (+44...), "email" for an address; else PagerError."""
    contact = contact.strip()
    if _PHONE.match(contact):
        return "sms"
    if _EMAIL.match(contact):
        return "email"
    raise PagerError("A pager contact is a mobile number like +447700900123 or an email address.")


def set_pager(staff: Staff, *, contact: str | None = None, on_call: bool | None = None) -> Staff:
    """Change a staff member's pager contact ("" clears it) and on-call flag; on call needs a contact."""
    if contact is not None:
        if contact.strip():
            pager_channel(contact)
        staff.pager_contact = contact.strip() or None
    if on_call is not None:
        staff.on_call = on_call
    if staff.on_call and not staff.pager_contact:
        raise PagerError("Set a pager contact (--pager) before putting someone on call.")
    return staff


def _pager(staff: Staff) -> Pager:
    return Pager(staff_id=staff.id, channel=pager_channel(staff.pager_contact), address=staff.pager_contact.strip())


def pagers_for(session: Session, level: str) -> list[Pager]:
    """Who a page at `level` goes to: active on-call workers; or on-call supervisors, else every supervisor."""
    with_contact = select(Staff).where(Staff.active.is_(True), Staff.pager_contact.is_not(None))
    if level == ON_CALL_LEVEL:
        chosen = session.scalars(with_contact.where(Staff.on_call.is_(True), Staff.role == "worker")).all()
    else:
        supervisors = with_contact.where(Staff.role == "supervisor")
        chosen = session.scalars(supervisors.where(Staff.on_call.is_(True))).all()
        chosen = chosen or session.scalars(supervisors).all()
    return [_pager(staff) for staff in sorted(chosen, key=lambda staff: staff.id)]
