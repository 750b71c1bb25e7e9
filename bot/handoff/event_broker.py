"""Haven's Rasa event broker: each victim message Rasa logs updates staff's live view and an open hand-off.

Configured in endpoints.yml (`event_broker: type: bot.handoff.event_broker.HavenEventBroker`), so Rasa
publishes every new event of a turn here when it saves the turn (the tracker store itself only stores). For
each user event, in order, off the event loop:

1. a risk more urgent than the open hand-off raises its priority (the victim's new advice is a domain
   response the hand-off policy already chose; bot/handoff/policy.py);
2. the message is counted in the live view (bot/live), with its risk verdict.

`publish` only queues: Rasa's turn never waits for this work. A message whose handling failed (database
down) is still in the tracker store: the escalation reconciler (bot/handoff/reconcile.py) raises a missed
priority from the stored events, and the live view counts the next message.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.db import session_scope
from bot.handoff.queue import raise_for_risk
from bot.live.turns import Turn, record_new_turns, turn_from_event
from bot.off_loop import run_blocking

logger = logging.getLogger(__name__)
CLOSE_SECONDS = 10.0


@dataclass(frozen=True)
class UserEvent:
    """One victim message, as far as staff's views need it (never its text)."""

    sender_id: str
    turn: Turn


def handle_user_event(item: UserEvent) -> None:
    """Raise the open hand-off for a more urgent risk, then count the message in the live view (blocking)."""
    risk = item.turn.risk or {}
    if risk.get("escalate"):
        with session_scope() as session:
            raised = raise_for_risk(session, sender_id=item.sender_id, risk=risk)
            if raised is not None:
                logger.info("waiting hand-off %s raised to %s (%s)", raised.id, raised.level, raised.category)
    record_new_turns(item.sender_id, [item.turn])


class HavenEventBroker(EventBroker):
    """Handles victim messages in publication order, one at a time, in the database thread pool."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[UserEvent] | None = None
        self._worker: asyncio.Task[None] | None = None

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig | None = None, event_loop: Any = None
    ) -> HavenEventBroker:
        return cls()

    def publish(self, event: dict[str, Any]) -> None:
        """Queue a user event (Rasa calls this for every new event); other events are ignored."""
        if event.get("event") != "user" or not event.get("sender_id"):
            return
        item = UserEvent(str(event["sender_id"]), turn_from_event(str(event["sender_id"]), event))
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside an event loop (a script): handle it now
            self._handle_safely(item)
            return
        if self._queue is None or self._worker is None or self._worker.done():
            self._queue = self._queue or asyncio.Queue()
            self._worker = loop.create_task(self._drain(self._queue))
        self._queue.put_nowait(item)

    @staticmethod
    def _handle_safely(item: UserEvent) -> None:
        try:
            handle_user_event(item)
        except Exception as error:  # staff's views are summaries: they never break a conversation
            logger.error("could not update hand-off or live view for a message: %s", type(error).__name__)

    async def _drain(self, queue: asyncio.Queue[UserEvent]) -> None:
        while True:
            item = await queue.get()
            try:
                await run_blocking(self._handle_safely, item)
            finally:
                queue.task_done()

    async def flush(self) -> None:
        """Wait until every message published so far has been handled."""
        if self._queue is not None:
            await self._queue.join()

    async def close(self) -> None:
        """Handle what was published (at most CLOSE_SECONDS), then stop."""
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.flush(), timeout=CLOSE_SECONDS)
        if self._worker is not None:
            self._worker.cancel()
            with suppress(asyncio.CancelledError):
                await self._worker
