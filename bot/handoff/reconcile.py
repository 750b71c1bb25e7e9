"""Recover escalations whose hand-off was lost (action server or database down): queue it, alert staff, tell.

Also raises an open hand-off to a more urgent risk if the event broker missed it (bot/handoff/event_broker.py).
Nothing is paused: once the row is open, the hand-off policy keeps the bot quiet (bot/handoff/policy.py).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from rasa.shared.core.events import BotUttered
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.cases.identities import SenderAddress
from bot.console.alerts import raise_alert
from bot.db import session_scope
from bot.handoff import wording
from bot.handoff.conversation_log import append_events, conversation_lock
from bot.handoff.escalation_events import EVENTS, escalations
from bot.handoff.queue import OPEN_STATUSES, open_handoff, priority_for, raise_for_risk
from bot.handoff.rota import expected_wait_minutes, staff_on_duty
from bot.models.handoff import Handoff
from bot.off_loop import run_blocking
from bot.outbox.store import enqueue
from bot.risk.advice import safety_message

logger = logging.getLogger(__name__)
ALERT_KIND = "escalation_recovered"
DEFAULT_LEVEL = "high"  # as actions.handoff: an escalation without a level errs on the urgent side
LOOKBACK_SECONDS = 24 * 3600.0
SETTLE_SECONDS = 120.0
ADVICE_RESPONSE = "utter_safety_advice"


@dataclass(frozen=True)
class LostEscalation:
    """An escalating message with no hand-off, or (`handoff_id` set) whose open hand-off was never raised to it."""

    sender_id: str
    at: float
    level: str
    category: str | None
    handoff_id: int | None = None
    advised: bool = True  # False when Rasa never sent utter_safety_advice (e.g. its session start failed too)


@dataclass
class ScanFloor:
    """Events above `floor` are read. An id settles (is not read again) once a complete pass that saw it is
    SETTLE_SECONDS old, so a turn committed after a later one (ids are not commit-ordered) is still read."""

    floor: int = 0
    marks: deque[tuple[float, int]] = field(default_factory=deque)

    def completed(self, max_id: int, now: float) -> None:
        """A pass read everything up to `max_id` and recovered all it found."""
        self.marks.append((now, max_id))
        while self.marks and now - self.marks[0][0] >= SETTLE_SECONDS:
            self.floor = max(self.floor, self.marks.popleft()[1])

    def failed(self) -> None:
        """A pass did not finish: nothing it saw may settle."""
        self.marks.clear()


def _naive_utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).replace(tzinfo=None)


def _logged_since(session: Session, sender_id: str, at: float, *conditions: Any) -> bool:
    query = (
        select(func.count())
        .select_from(EVENTS)
        .where(EVENTS.c.sender_id == sender_id, EVENTS.c.timestamp >= at, *conditions)
    )
    return bool(session.scalar(query))


def classify(session: Session, *, sender_id: str, at: float, risk: dict[str, Any]) -> LostEscalation | None:
    """None when a hand-off was open at `at` (at least as urgent) or opened since."""
    level, category = str(risk.get("level") or DEFAULT_LEVEL), risk.get("category")
    when = _naive_utc(at)
    still_open_then = or_(Handoff.closed_at.is_(None), Handoff.closed_at >= when)
    covering = session.scalars(select(Handoff).where(Handoff.sender_id == sender_id, still_open_then)).all()
    advised = (EVENTS.c.type_name == "action", EVENTS.c.action_name == ADVICE_RESPONSE)
    if not covering:
        return LostEscalation(sender_id, at, level, category, advised=_logged_since(session, sender_id, at, *advised))
    waiting = next((item for item in covering if item.status in OPEN_STATUSES), None)
    if waiting is not None and risk.get("escalate") and priority_for(level) < waiting.priority:
        return LostEscalation(sender_id, at, level, category, handoff_id=waiting.id)  # the event broker missed it
    return None


def find_lost_escalations(
    session: Session, *, after_id: int = 0, up_to_id: int | None = None, now: float | None = None
) -> list[LostEscalation]:
    """Escalations among events with an id in (after_id, up_to_id], of the last day, still to recover.

    One per conversation: the earliest, at the most urgent level found.
    """
    since = (now if now is not None else time.time()) - LOOKBACK_SECONDS
    window = [EVENTS.c.id > after_id, EVENTS.c.timestamp >= since]
    if up_to_id is not None:
        window.append(EVENTS.c.id <= up_to_id)
    found: dict[str, LostEscalation] = {}
    for sender_id, at, risk in escalations(session, window):
        lost = classify(session, sender_id=sender_id, at=at, risk=risk)
        earlier = found.get(sender_id)
        if lost is None:
            continue
        if earlier is None:
            found[sender_id] = lost
        elif priority_for(lost.level) < priority_for(earlier.level):
            found[sender_id] = LostEscalation(
                sender_id, earlier.at, lost.level, lost.category, earlier.handoff_id, earlier.advised and lost.advised
            )
    return list(found.values())


def _tell(session: Session, sender_id: str, channel: str, told: list[BotUttered]) -> None:
    """Record what the victim is told in the conversation and queue it, in the caller's transaction."""
    append_events(session, sender_id=sender_id, events=told)
    address = SenderAddress.parse(sender_id)[1] or sender_id
    for message in told:
        enqueue(session, channel=channel, recipient=address, payload={"text": message.text})


def recover(session: Session, lost: LostEscalation) -> bool:
    """One transaction: open the hand-off, alert staff and tell the victim (advice first if it never went out),
    as action_escalate would; or raise the open hand-off it outranks. False when nothing is left to do."""
    current = classify(session, sender_id=lost.sender_id, at=lost.at, risk={"escalate": True, "level": lost.level})
    if current is None:
        return False  # recovered meanwhile (the action ran late, another pass, the event broker)
    if current.handoff_id is not None:
        raised = raise_for_risk(session, sender_id=lost.sender_id, risk={"escalate": True, "level": lost.level,
                                                                           "category": lost.category})  # fmt: skip
        logger.warning("missed priority raise recovered: hand-off %s now %s", current.handoff_id, lost.level)
        return raised is not None
    channel = SenderAddress.parse(lost.sender_id)[0] or "unknown"
    handoff = open_handoff(
        session, sender_id=lost.sender_id, channel=channel, reason="risk", level=lost.level, category=lost.category
    )
    detail = {"handoff": handoff.id, "level": handoff.level, "category": handoff.category or "none"}
    raise_alert(session, kind=ALERT_KIND, detail={**detail, "channel": channel})
    on_duty = staff_on_duty(session)
    wait = expected_wait_minutes(session) if on_duty else None
    replies = wording.handoff_replies(on_duty=on_duty, wait_minutes=wait)
    told = [BotUttered(text=text, metadata={"recovered_escalation": handoff.id})
            for text in wording.texts(replies, handoff.channel)]  # fmt: skip
    if not lost.advised:
        told.insert(
            0, BotUttered(text=safety_message(lost.category, handoff.channel), metadata={"safety_advice": True})
        )
    _tell(session, lost.sender_id, handoff.channel, told)
    logger.warning("lost escalation recovered: hand-off %s opened (%s, %s)", handoff.id, lost.level, lost.category)
    return True


def _find(after_id: int) -> tuple[list[LostEscalation], int]:
    with session_scope() as session:
        max_id = int(session.scalar(select(func.max(EVENTS.c.id))) or 0)
        return find_lost_escalations(session, after_id=after_id, up_to_id=max_id), max_id


def _recover_one(lost: LostEscalation) -> bool:
    with session_scope() as session:
        return recover(session, lost)


async def reconcile_once(agent: Any, floor: ScanFloor | None = None) -> int:
    """One pass over new events: recover every lost escalation, each in one transaction; how many were recovered.

    Raises if the database is down. Each recovery holds the conversation's lock, as a Rasa turn does, since it
    writes what the victim is told into the conversation.
    """
    floor = floor if floor is not None else ScanFloor()
    try:
        lost_ones, max_id = await run_blocking(_find, floor.floor)
    except Exception:
        floor.failed()
        raise
    recovered = unfinished = 0
    for lost in lost_ones:
        try:
            async with conversation_lock(agent, lost.sender_id):
                recovered += await run_blocking(_recover_one, lost)
        except Exception as error:  # nothing of it was committed: the next pass finds it again
            unfinished += 1
            logger.warning("could not recover an escalation: %s", type(error).__name__)
    if unfinished:
        floor.failed()
    else:
        floor.completed(max_id, time.monotonic())
    return recovered
