"""The case summary staff see beside a conversation, only once the victim has verified."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from bot.cases.summary import case_summary
from bot.db import session_scope
from bot.models.cases import Case

logger = logging.getLogger(__name__)
FACTS = (
    ("reference", "Crime reference"),
    ("offence", "Offence"),
    ("status_label", "Status"),
    ("district", "District"),
    ("officer_name", "Officer in charge"),
    ("officer_contact", "Officer contact"),
    ("reported_on", "Reported on"),
    ("next_hearing", "Next hearing"),
)


def _present(summary: dict[str, Any]) -> dict[str, Any]:
    """The cases helper's summary dict as facts (label, value) and a timeline for the template."""
    facts = [(label, str(summary[key])) for key, label in FACTS if summary.get(key)]
    timeline = [
        {
            "at": str(item.get("occurred_at", ""))[:10],
            "summary": str(item.get("summary", "")),
            "shareable": bool(item.get("shareable")),
        }
        for item in summary.get("timeline") or []
    ]
    return {"facts": facts, "timeline": timeline}


def case_summary_for(slots: dict[str, Any]) -> dict[str, Any] | None:
    """The verified case's summary, or None when the conversation is not verified.

    A failing summary is tolerated: staff then see just the reference.
    """
    reference = slots.get("verified_reference")
    if not slots.get("verified") or not reference:
        return None
    fallback = {"facts": [("Crime reference", str(reference))], "timeline": []}
    try:
        with session_scope() as session:
            case_id = session.scalar(select(Case.id).where(Case.reference == str(reference).upper()))
            if case_id is None:
                return fallback
            return _present(case_summary(session, case_id=case_id))
    except Exception:  # a broken summary must not take the conversation view down
        logger.exception("case summary failed")
        return fallback
