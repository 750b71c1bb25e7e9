"""The inbox processor: claims stored messages and hands each to its channel's handler, in order per sender.

It runs in the Rasa server process (a turn needs the loaded agent). Several processes may run it at once:
claims are row-level and leased, and a lease is renewed while its turn runs, so a message is re-driven only
when the process handling it died. A handler that fails is retried with growing delays; after
`max_attempts` the message is set aside and staff are alerted, so the sender's later messages still flow.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from datetime import timedelta

from bot.console.alerts import raise_alert
from bot.db import session_scope
from bot.inbox import store
from bot.inbox.store import ClaimedInbound
from bot.off_loop import run_blocking
from bot.privacy.keys import sender_digest
from bot.settings import get_settings

logger = logging.getLogger(__name__)
InboundHandler = Callable[[ClaimedInbound], Awaitable[str]]  # returns a short outcome ("replied", ...)
RETRY_CAP_SECONDS = 60


class InboxProcessor:
    """Polls the inbox (and wakes at once when this process stores a message) until stopped."""

    def __init__(
        self, handlers: Mapping[str, InboundHandler], *, lease_seconds: int, poll_ms: int, max_attempts: int
    ) -> None:
        self.handlers = handlers
        self.lease = timedelta(seconds=lease_seconds)
        self.poll_seconds = poll_ms / 1000
        self.max_attempts = max_attempts
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._in_hand: set[asyncio.Task] = set()
        self._stopping = False

    async def start(self) -> None:
        """Start in the running loop; messages left unhandled by an earlier run are taken first."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="haven-inbox")

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Stop claiming, let turns in hand finish (up to `grace_seconds`); an unfinished one is re-driven later."""
        task, self._task = self._task, None
        if task is not None:
            # A flag, not task.cancel(): Python 3.10's asyncio.wait_for swallows a cancellation that arrives as
            # the wake-up it waits for is set (a turn finishing at that moment), and the loop then ran forever.
            self._stopping = True
            self._wake.set()
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=grace_seconds)
            except asyncio.TimeoutError:  # a claim stuck on the database: interrupt it (the flag ends the loop)
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
        if self._in_hand:
            await asyncio.wait(list(self._in_hand), timeout=grace_seconds)

    def wake(self) -> None:
        """Look for work now (called after this process stored a message)."""
        self._wake.set()

    async def run_once(self) -> int:
        """Claim what is due and handle it: senders side by side, each sender's messages one at a time."""
        claimed = await run_blocking(self._claim)
        for claim in claimed:
            task = asyncio.create_task(self._handle(claim))
            self._in_hand.add(task)
            task.add_done_callback(self._finished)
        return len(claimed)

    def _finished(self, task: asyncio.Task) -> None:
        self._in_hand.discard(task)
        self.wake()  # the sender's next message may be due now

    async def _run(self) -> None:
        failing = False
        while not self._stopping:
            self._wake.clear()
            try:
                await self.run_once()
                failing = False
            except Exception as error:  # database down: keep going, warn once per outage
                if not failing:
                    logger.warning("inbox: could not claim messages, retrying: %s", type(error).__name__)
                failing = True
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)

    def _claim(self) -> list[ClaimedInbound]:
        with session_scope() as session:
            return store.claim_due(session, lease=self.lease)

    async def _handle(self, claim: ClaimedInbound) -> None:
        keeper = asyncio.create_task(self._keep_lease(claim))
        try:
            handler = self.handlers.get(claim.channel)
            if handler is None:
                raise LookupError(f"no handler for channel {claim.channel!r}")
            outcome = await handler(claim)
        except Exception as error:
            keeper.cancel()
            logger.error("inbox message %s failed (attempt %s): %s", claim.id, claim.attempts, type(error).__name__)
            logger.debug("inbox failure", exc_info=True)
            await finish(claim, failed=type(error).__name__, max_attempts=self.max_attempts)
            return
        keeper.cancel()
        await finish(claim, outcome=outcome)

    async def _keep_lease(self, claim: ClaimedInbound) -> None:
        """Renew the lease at a third of its length while the turn runs."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            with suppress(Exception):
                await run_blocking(self._extend, claim)

    def _extend(self, claim: ClaimedInbound) -> None:
        with session_scope() as session:
            store.extend_lease(session, inbox_id=claim.id, lease_token=claim.lease_token, lease=self.lease)


async def finish(
    claim: ClaimedInbound, *, outcome: str | None = None, failed: str | None = None, max_attempts: int = 0
) -> None:
    """Record a claim's end: handled with `outcome`, or `failed` (retried later, or set aside after
    `max_attempts`, default from the settings). While the database is down, keep trying for a while, so a
    handled message is not re-driven."""
    attempts = max_attempts or get_settings().inbox_max_attempts
    for delay in (0, 0.5, 1, 2, 4, 8):
        await asyncio.sleep(delay)
        try:
            if failed is None:
                await run_blocking(_record_handled, claim, outcome or "handled")
            else:
                await run_blocking(_record_failure, claim, failed, attempts)
            return
        except Exception as error:
            logger.warning("inbox: could not record message %s: %s", claim.id, type(error).__name__)


def _record_handled(claim: ClaimedInbound, outcome: str) -> None:
    with session_scope() as session:
        if not store.mark_handled(session, inbox_id=claim.id, lease_token=claim.lease_token, outcome=outcome):
            logger.warning("inbox message %s was taken over before it was marked handled", claim.id)


def _record_failure(claim: ClaimedInbound, reason: str, max_attempts: int) -> None:
    with session_scope() as session:
        if claim.attempts < max_attempts:
            retry = timedelta(seconds=min(RETRY_CAP_SECONDS, 2**claim.attempts))
            store.release(session, inbox_id=claim.id, lease_token=claim.lease_token, retry_after=retry, reason=reason)
            return
        if store.give_up(session, inbox_id=claim.id, lease_token=claim.lease_token, reason=reason):
            raise_alert(session, kind="inbound_message_failed", detail={
                "channel": claim.channel, "sender": sender_digest(f"{claim.channel}:{claim.address}"),
                "attempts": claim.attempts, "error": reason,
            })
