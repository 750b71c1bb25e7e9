"""The open hand-off of a conversation as the hand-off policy reads it: from the database on every prediction.

The hand-off row is the only truth for "waiting for a person". While the database can't be reached, the last
state read for a conversation that was waiting stands (a conversation never falls back to the bot because
of an outage); a conversation never seen waiting is the bot's.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from bot.db import session_scope
from bot.handoff.queue import active_handoff
from bot.handoff.waiting_turn import WaitingHandoff

logger = logging.getLogger(__name__)
REMEMBERED = 10_000  # open hand-offs kept for an outage; far more than are ever open at once


class OpenHandoffs:
    """Reads each conversation's open hand-off, remembering the open ones in case the database goes away."""

    def __init__(self, remembered: int = REMEMBERED) -> None:
        self._known: OrderedDict[str, WaitingHandoff] = OrderedDict()
        self._limit = remembered
        self._lock = threading.Lock()
        self._failing = False

    def read(self, sender_id: str) -> WaitingHandoff | None:
        """The open hand-off of `sender_id` (None: the bot handles the conversation)."""
        try:
            with session_scope() as session:
                row = active_handoff(session, sender_id=sender_id)
                state = WaitingHandoff(row.id, row.priority, row.opened_for) if row is not None else None
        except Exception as error:  # database down (or misconfigured): never fail Rasa's turn over it
            if not self._failing:
                logger.warning("hand-off state unreadable, using the last known: %s", type(error).__name__)
            self._failing = True
            with self._lock:
                return self._known.get(sender_id)
        if self._failing:
            logger.info("hand-off state readable again")
            self._failing = False
        self._remember(sender_id, state)
        return state

    def _remember(self, sender_id: str, state: WaitingHandoff | None) -> None:
        with self._lock:
            if state is None:
                self._known.pop(sender_id, None)
                return
            self._known[sender_id] = state
            self._known.move_to_end(sender_id)
            while len(self._known) > self._limit:
                self._known.popitem(last=False)
