"""Escalations as Rasa's tracker store recorded them: messages that escalated, or that action_escalate answered."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from bot.privacy.encryption import decrypt_event
from bot.privacy.keys import DataKeyError

logger = logging.getLogger(__name__)

RISK_INTENT = "risk_disclosure"
ESCALATE_ACTION = "action_escalate"
CATEGORY_SLOT = "risk_category"
# Rasa's tracker store table (rasa.core.tracker_store.SQLTrackerStore), in Haven's database.
EVENTS = table(
    "events", column("id"), column("sender_id"), column("type_name"), column("timestamp"), column("intent_name"),
    column("action_name"), column("data"),
)  # fmt: skip


def _json(data: str | None) -> dict[str, Any]:
    """A stored event's data, decrypted (bot.privacy.encryption); {} for a row no configured key opens, so one
    unreadable row cannot stop the recovery of every other escalation."""
    try:
        return decrypt_event(data)
    except DataKeyError:
        logger.error("a stored event could not be decrypted with HAVEN_DATA_KEYS; it was skipped")
        return {}


def escalating_risk(data: str | None) -> dict[str, Any] | None:
    """The risk verdict of a stored user event, if it escalated."""
    parse_data = _json(data).get("parse_data")
    risk = parse_data.get("risk") if isinstance(parse_data, dict) else None
    return risk if isinstance(risk, dict) and risk.get("escalate") else None


def _before(session: Session, sender_id: str, event_id: int, *conditions: Any) -> Any:
    query = select(EVENTS.c.id, EVENTS.c.timestamp, EVENTS.c.data).where(
        EVENTS.c.sender_id == sender_id, EVENTS.c.id < event_id, *conditions
    )
    return session.execute(query.order_by(EVENTS.c.id.desc()).limit(1)).first()


def escalations(session: Session, window: list[Any]) -> list[tuple[str, float, dict[str, Any]]]:
    """(sender, time, risk) of each user message in `window` that escalated or that action_escalate answered.

    The action covers escalations without a risk verdict on the message itself (e.g. "no" to "are you
    safe?"): their level is the default and their category the `risk_category` slot's.
    """
    found: dict[int, tuple[str, float, dict[str, Any]]] = {}
    said = select(EVENTS.c.id, EVENTS.c.sender_id, EVENTS.c.timestamp, EVENTS.c.data).where(
        *window, EVENTS.c.type_name == "user", EVENTS.c.intent_name == RISK_INTENT
    )
    for event_id, sender_id, at, data in session.execute(said).all():
        risk = escalating_risk(data)
        if risk:
            found[event_id] = (sender_id, float(at), risk)
    acted = select(EVENTS.c.id, EVENTS.c.sender_id).where(
        *window, EVENTS.c.type_name == "action", EVENTS.c.action_name == ESCALATE_ACTION
    )
    for action_id, sender_id in session.execute(acted).all():
        trigger = _before(session, sender_id, action_id, EVENTS.c.type_name == "user")
        if trigger is None or trigger.id in found:
            continue
        is_category = (EVENTS.c.type_name == "slot", EVENTS.c.action_name == CATEGORY_SLOT)
        slot = _before(session, sender_id, action_id, *is_category)
        category = _json(slot.data).get("value") if slot is not None else None
        risk = escalating_risk(trigger.data) or {"category": None if category == "default" else category}
        found[trigger.id] = (sender_id, float(trigger.timestamp), risk)
    return [found[event_id] for event_id in sorted(found)]
