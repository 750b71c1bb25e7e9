"""Read and save a hand-off's Dash checklist; every view and save is audited (never the answers themselves)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console import audit
from bot.dash.checklist import checklist, is_domestic_abuse
from bot.dash.models import DashAssessment
from bot.handoff.queue import HandoffError, get_handoff
from bot.models.base import utcnow
from bot.models.cases import Case, victim_cases
from bot.models.handoff import Handoff

VIEWED, SAVED = "dash_viewed", "dash_saved"


class NotDomesticAbuse(HandoffError):
    """The Dash checklist is only for domestic-abuse hand-offs."""


@dataclass(frozen=True)
class DashView:
    """What the Dash page shows for one hand-off."""

    handoff_id: int
    answers: dict[str, str] = field(default_factory=dict)
    score: int = 0
    saved: bool = False
    updated_at: str | None = None

    @property
    def refer_to_marac(self) -> bool:
        return checklist().refer_to_marac(self.score)


def _offence_categories(session: Session, handoff: Handoff) -> list[str | None]:
    if handoff.victim_id is None:
        return []
    query = select(Case.offence_category).join(victim_cases, victim_cases.c.case_id == Case.id)
    return list(session.scalars(query.where(victim_cases.c.victim_id == handoff.victim_id)))


def offered_for(session: Session, handoff: Handoff) -> bool:
    """Whether the console offers the checklist for this hand-off (domestic abuse only)."""
    return is_domestic_abuse(handoff.category, _offence_categories(session, handoff))


def _domestic_abuse_handoff(session: Session, handoff_id: int) -> Handoff:
    handoff = get_handoff(session, handoff_id=handoff_id)  # HandoffNotFound when there is none
    if not offered_for(session, handoff):
        raise NotDomesticAbuse(f"hand-off {handoff_id} is not a domestic-abuse hand-off")
    return handoff


def _assessment(session: Session, handoff_id: int) -> DashAssessment | None:
    return session.scalars(select(DashAssessment).where(DashAssessment.handoff_id == handoff_id)).first()


def view_dash(session: Session, *, handoff_id: int, staff_id: int, via: str = "console") -> DashView:
    """The saved checklist (or an empty one) for a domestic-abuse hand-off; the view is audited."""
    _domestic_abuse_handoff(session, handoff_id)
    audit.record(session, staff_id=staff_id, action=VIEWED, target=str(handoff_id), via=via)
    row = _assessment(session, handoff_id)
    if row is None:
        return DashView(handoff_id=handoff_id)
    return DashView(handoff_id, dict(row.answers), row.score, True, row.updated_at.isoformat())


def save_dash(
    session: Session, *, handoff_id: int, staff_id: int, submitted: dict[str, Any], via: str = "console"
) -> DashView:
    """Store the worker's answers (replacing earlier ones), score them and audit the save with the score."""
    _domestic_abuse_handoff(session, handoff_id)
    answers = checklist().clean(submitted)
    score = checklist().score(answers)
    row = _assessment(session, handoff_id)
    now = utcnow()
    if row is None:
        row = DashAssessment(handoff_id=handoff_id, created_at=now)
        session.add(row)
    row.answers, row.score, row.completed_by, row.updated_at = answers, score, staff_id, now
    session.flush()
    audit.record(
        session, staff_id=staff_id, action=SAVED, target=str(handoff_id), via=via, score=score,
        answered=len(answers), refer_to_marac=checklist().refer_to_marac(score),
    )
    return DashView(handoff_id, answers, score, True, now.isoformat())
