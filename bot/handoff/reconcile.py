"""Recover escalations whose hand-off was lost (action server or database down): queue it, alert staff, pause."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from rasa.shared.core.events import BotUttered
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.cases.identities import split_sender
from bot.console.alerts import raise_alert
from bot.console.transcript import pausing_events
from bot.db import session_scope
from bot.handoff import wording
from bot.handoff.escalation_events import EVENTS, escalations
from bot.handoff.queue import OPEN_STATUSES, open_handoff, priority_for
from bot.handoff.rota import expected_wait_minutes, staff_on_duty
from bot.models.handoff import Handoff
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
    """An escalating message with no hand-off, or (`handoff_id` set) whose hand-off never paused the bot."""

    sender_id: str
    at: float
    level: str
    category: str | None
    handoff_id: int | None = None
    advised: bool = True  # False when Rasa never sent utter_safety_advice (e.g. its session start failed too)


@dataclass(frozen=True)
class Recovery:
    """A recorded hand-off whose conversation still has to be paused, and what the victim is told."""

    sender_id: str
    handoff_id: int
    channel: str
    text: str
    advice: str | None = None  # the safety advice, when it still has to be sent (first)


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
    query = select(func.count()).select_from(EVENTS).where(
        EVENTS.c.sender_id == sender_id, EVENTS.c.timestamp >= at, *conditions
    )
    return bool(session.scalar(query))


def classify(session: Session, *, sender_id: str, at: float, risk: dict[str, Any]) -> LostEscalation | None:
    """None when a hand-off was open at `at` or opened since (and its opening paused the conversation)."""
    level, category = str(risk.get("level") or DEFAULT_LEVEL), risk.get("category")
    when = _naive_utc(at)
    still_open_then = or_(Handoff.closed_at.is_(None), Handoff.closed_at >= when)
    covering = session.scalars(select(Handoff).where(Handoff.sender_id == sender_id, still_open_then)).all()
    advised = (EVENTS.c.type_name == "action", EVENTS.c.action_name == ADVICE_RESPONSE)
    if not covering:
        return LostEscalation(sender_id, at, level, category, advised=_logged_since(session, sender_id, at, *advised))
    own = next((item for item in covering if item.status in OPEN_STATUSES and item.created_at >= when), None)
    if own is not None and not _logged_since(session, sender_id, at, EVENTS.c.type_name == "pause"):
        return LostEscalation(sender_id, at, level, category, handoff_id=own.id)
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


def record_handoff(session: Session, lost: LostEscalation) -> Recovery:
    """Open the hand-off (and alert staff) unless it exists; what the victim is told, as action_escalate would."""
    channel = split_sender(lost.sender_id)[0] or "unknown"
    handoff = session.get(Handoff, lost.handoff_id) if lost.handoff_id is not None else None
    if handoff is None:
        handoff = open_handoff(
            session, sender_id=lost.sender_id, channel=channel, reason="risk", level=lost.level, category=lost.category
        )
        detail = {"handoff": handoff.id, "level": handoff.level, "category": handoff.category or "none"}
        raise_alert(session, kind=ALERT_KIND, detail={**detail, "channel": channel})
        logger.warning("lost escalation recovered: hand-off %s opened (%s, %s)", handoff.id, lost.level, lost.category)
    on_duty = staff_on_duty(session)
    wait = expected_wait_minutes(session) if on_duty else None
    text = wording.joining_message(wait) if on_duty else wording.off_duty_message(handoff.category)
    advice = None if lost.advised else safety_message(lost.category, handoff.channel)
    return Recovery(lost.sender_id, handoff.id, handoff.channel, text, advice)


def _record_all(after_id: int) -> tuple[list[Recovery], int]:
    with session_scope() as session:
        max_id = int(session.scalar(select(func.max(EVENTS.c.id))) or 0)
        lost = find_lost_escalations(session, after_id=after_id, up_to_id=max_id)
        return [record_handoff(session, item) for item in lost], max_id


def _deliver(recovery: Recovery) -> None:
    channel, address = split_sender(recovery.sender_id)
    with session_scope() as session:
        for text in filter(None, (recovery.advice, recovery.text)):
            enqueue(session, channel=channel or recovery.channel, recipient=address, payload={"text": text})


async def pause_and_tell(agent: Any, recovery: Recovery) -> bool:
    """Pause the conversation as an escalation does and tell the victim (advice first if it never went out).

    False if the conversation was already paused.
    """
    async with agent.lock_store.lock(recovery.sender_id):
        tracker = await agent.tracker_store.retrieve(recovery.sender_id)
        if tracker is None or tracker.is_paused():
            return False
        told = [BotUttered(text=recovery.text, metadata={"recovered_escalation": recovery.handoff_id})]
        if recovery.advice:
            told.insert(0, BotUttered(text=recovery.advice, metadata={"safety_advice": True}))
        for event in [*told, *pausing_events(tracker)]:
            tracker.update(event)
        await agent.tracker_store.save(tracker)
    await asyncio.to_thread(_deliver, recovery)
    return True


async def reconcile_once(agent: Any, floor: ScanFloor | None = None) -> int:
    """One pass over new events: record, alert and pause every lost escalation; how many. Raises if the DB is down."""
    floor = floor if floor is not None else ScanFloor()
    try:
        recoveries, max_id = await asyncio.to_thread(_record_all, floor.floor)
    except Exception:
        floor.failed()
        raise
    unfinished = 0
    for recovery in recoveries:
        try:
            await pause_and_tell(agent, recovery)
        except Exception as error:  # the hand-off is recorded: the next pass sees it unpaused and retries
            unfinished += 1
            logger.warning("could not pause conversation of hand-off %s: %s", recovery.handoff_id, type(error).__name__)
    if unfinished:
        floor.failed()
    else:
        floor.completed(max_id, time.monotonic())
    return len(recoveries)
