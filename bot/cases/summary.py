"""Compose a verified victim's case update (short first reply, details on request) and the staff case summary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.status_text import entitlement_text, status_text
from bot.models.cases import Case, CaseUpdate, Victim


def format_hearing(*, at: datetime, court: str | None) -> str:
    """'Tuesday 12 January 2027 at 10:00, Fenchester Crown Court' (local court time as stored)."""
    when = f"{at:%A} {at.day} {at:%B %Y} at {at:%H:%M}"
    return f"{when}, {court}" if court else when


def format_day(day: date | datetime) -> str:
    """'12 January 2027'."""
    return f"{day.day} {day:%B %Y}"


def latest_shareable_update(session: Session, *, case_id: int) -> CaseUpdate | None:
    """The most recent timeline entry the victim may see; non-shareable entries are never returned."""
    return session.scalars(
        select(CaseUpdate)
        .where(CaseUpdate.case_id == case_id, CaseUpdate.shareable.is_(True))
        .order_by(CaseUpdate.occurred_at.desc(), CaseUpdate.id.desc())
        .limit(1)
    ).first()


def _victim_on_case(session: Session, *, case: Case, victim_id: int) -> Victim:
    victim = session.get(Victim, victim_id)
    if victim is None or victim not in case.victims:
        raise LookupError("victim is not linked to this case")
    return victim


DETAILS_OFFER = "Reply DETAILS for the latest news, court dates and who to contact."
MAX_FIRST_REPLY = 459  # 3 SMS segments of GSM-7 text
MAX_MESSAGE = 306  # 2 SMS segments


def _case_and_victim(session: Session, *, case_id: int, victim_id: int) -> tuple[Case, Victim]:
    case = session.get(Case, case_id)
    if case is None:
        raise LookupError("no such case")
    return case, _victim_on_case(session, case=case, victim_id=victim_id)


def case_update_message(session: Session, *, case_id: int, victim_id: int) -> str:
    """The first reply a verified victim sees: status, what it means, what happens next (at most 3 SMS segments).

    It never names the offence, the court or the officer, because someone else may be reading: those
    come only when the victim asks for them (`case_details_messages`).
    """
    case, victim = _case_and_victim(session, case_id=case_id, victim_id=victim_id)
    wording = status_text(case.status)
    return "\n".join(
        [
            f"Thanks, {victim.first_name}. Here is the latest on {case.reference}: {wording.label}. {wording.meaning}",
            f"Next: {wording.next_steps}",
            DETAILS_OFFER,
        ]
    )


def _pack(lines: list[str]) -> list[str]:
    """Lines joined into as few messages as possible, each at most MAX_MESSAGE characters."""
    messages: list[str] = []
    for line in lines:
        if messages and len(messages[-1]) + 1 + len(line) <= MAX_MESSAGE:
            messages[-1] = f"{messages[-1]}\n{line}"
        else:
            messages.append(line)
    return messages


def case_details_messages(session: Session, *, case_id: int, victim_id: int) -> list[str]:
    """What the victim asked for with DETAILS: the offence, latest news, court date, officer and their rights."""
    case, victim = _case_and_victim(session, case_id=case_id, victim_id=victim_id)
    lines = [f"{case.reference}: {case.offence}."]
    update = latest_shareable_update(session, case_id=case.id)
    if update is not None:
        lines.append(f"Latest news ({format_day(update.occurred_at)}): {update.summary}")
    if case.next_hearing_at is not None:
        lines.append(f"Next court date: {format_hearing(at=case.next_hearing_at, court=case.next_hearing_court)}.")
    if case.officer_name or case.officer_contact:
        officer = case.officer_name or "the officer in charge"
        route = f" Contact: {case.officer_contact}." if case.officer_contact else ""
        lines.append(f"Officer in charge: {officer}.{route}")
    lines.append(entitlement_text(enhanced=bool(victim.enhanced_entitlement)))
    return _pack(lines)


def case_summary(session: Session, *, case_id: int) -> dict[str, Any]:
    """Everything staff see about a case, including entries the victim may not see (flagged as such)."""
    case = session.get(Case, case_id)
    if case is None:
        raise LookupError("no such case")
    wording = status_text(case.status)
    return {
        "id": case.id,
        "reference": case.reference,
        "offence": case.offence,
        "status": case.status,
        "status_label": wording.label,
        "district": case.district,
        "officer_name": case.officer_name,
        "officer_contact": case.officer_contact,
        "reported_on": case.reported_on.isoformat() if case.reported_on else None,
        "status_changed_at": case.status_changed_at.isoformat() if case.status_changed_at else None,
        "next_hearing": (
            format_hearing(at=case.next_hearing_at, court=case.next_hearing_court) if case.next_hearing_at else None
        ),
        "victims": [
            {"id": victim.id, "first_name": victim.first_name, "enhanced_entitlement": victim.enhanced_entitlement}
            for victim in case.victims
        ],
        "timeline": [
            {
                "id": update.id,
                "occurred_at": update.occurred_at.isoformat(),
                "status": update.status,
                "summary": update.summary,
                "shareable": update.shareable,
                "notified_at": update.notified_at.isoformat() if update.notified_at else None,
            }
            for update in case.updates
        ],
    }
