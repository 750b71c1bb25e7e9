"""The outbox worker: an asyncio task that claims due messages and hands them to the channel senders."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from bot.db import session_scope
from bot.outbox import senders, store
from bot.outbox.policy import DEFAULT_POLICY, RetryPolicy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What happened to one claimed message: a provider id, or a storable error summary."""

    message: store.ClaimedMessage
    provider_id: str | None
    error: str | None
    permanent: bool
    error_type: str | None


def describe_error(error: BaseException) -> str:
    """A summary safe to store: the error type and provider codes, never the provider's message text."""
    if isinstance(error, senders.PermanentDeliveryError):
        return f"permanent: {error}"
    parts = [type(error).__name__]
    for attribute in ("status", "code"):
        value = getattr(error, attribute, None)
        if isinstance(value, (int, str)) and str(value).isdigit():
            parts.append(f"{attribute} {value}")
    return " ".join(parts)


class OutboxWorker:
    """Delivers outbox messages in order per recipient; several workers (or processes) may run at once."""

    def __init__(
        self,
        *,
        policy: RetryPolicy = DEFAULT_POLICY,
        poll_interval: float = 0.5,
        batch_size: int = 20,
        send_timeout: float = 30.0,
        engine: Engine | None = None,
    ) -> None:
        self.policy = policy
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.send_timeout = send_timeout
        self._engine = engine
        self._task: asyncio.Task | None = None
        self._wake_event: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Start polling in the running event loop (idempotent)."""
        if self.running:
            return
        self._loop = asyncio.get_running_loop()
        self._wake_event = asyncio.Event()
        self._stopping = False
        senders.add_listener(self.wake)
        self._task = asyncio.create_task(self._run(), name="haven-outbox-worker")

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Finish the batch in hand (up to `grace_seconds`), then stop; an unfinished send is retried
        once its lease expires."""
        senders.remove_listener(self.wake)
        task, self._task = self._task, None
        if task is not None:
            self._stopping = True
            self.wake()
            try:
                await asyncio.wait_for(asyncio.shield(task), grace_seconds)
            except asyncio.TimeoutError:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
        await senders.aclose_senders()

    def wake(self) -> None:
        """Look for work now instead of at the next poll; callable from any thread."""
        loop, wake_event = self._loop, self._wake_event
        if loop is None or wake_event is None or loop.is_closed():
            return
        if _running_loop() is loop:
            wake_event.set()
            return
        with suppress(RuntimeError):
            loop.call_soon_threadsafe(wake_event.set)

    async def run_once(self) -> int:
        """Claim and deliver one batch; returns how many messages were attempted."""
        channels = senders.registered_channels()
        if not channels:
            return 0
        claimed = await asyncio.to_thread(self._claim, channels)
        if claimed:
            outcomes = await asyncio.gather(*(self._deliver(message) for message in claimed))
            await asyncio.to_thread(self._record, list(outcomes))
        return len(claimed)

    async def _run(self) -> None:
        assert self._wake_event is not None
        while not self._stopping:
            try:
                handled = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.error("outbox cycle failed: %s", type(error).__name__)
                handled = 0
            if handled:
                continue
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake_event.wait(), timeout=self.poll_interval)
            self._wake_event.clear()

    def _claim(self, channels: list[str]) -> list[store.ClaimedMessage]:
        with session_scope(self._engine) as session:
            return store.claim_due(session, channels=channels, limit=self.batch_size, policy=self.policy)

    async def _deliver(self, message: store.ClaimedMessage) -> Outcome:
        """Send one message; the outcome is recorded with the rest of the batch in one transaction."""
        sender = senders.get_sender(message.channel)
        try:
            if sender is None:
                raise LookupError(f"no sender for {message.channel}")
            provider_id = await asyncio.wait_for(sender(message.recipient, message.payload), self.send_timeout)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            permanent = isinstance(error, senders.PermanentDeliveryError)
            return Outcome(message, None, describe_error(error), permanent, type(error).__name__)
        return Outcome(message, str(provider_id or ""), None, False, None)

    def _record(self, outcomes: list[Outcome]) -> None:
        with session_scope(self._engine) as session:
            for outcome in outcomes:
                message = outcome.message
                if outcome.error is None:
                    store.mark_sent(session, message_id=message.id, provider_message_id=outcome.provider_id or "")
                    logger.debug("outbox message %s sent on %s", message.id, message.channel)
                    continue
                status = store.mark_failed_attempt(
                    session,
                    message_id=message.id,
                    attempts=message.attempts,
                    error=outcome.error,
                    permanent=outcome.permanent,
                    policy=self.policy,
                )
                log = logger.error if status == "failed" else logger.warning
                log(
                    "outbox message %s attempt %s failed (%s): %s",
                    message.id,
                    message.attempts,
                    status,
                    outcome.error_type,
                )


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def attach_worker(blueprint: Any) -> None:
    """Run one outbox worker per Sanic app: started after the server starts, stopped before it stops.

    Several channels may attach; the first start wins. A test may preset `app.ctx.outbox_worker`.
    """

    async def _start(app: Any, _loop: Any) -> None:
        worker = getattr(app.ctx, "outbox_worker", None)
        if worker is None:
            worker = OutboxWorker()
            app.ctx.outbox_worker = worker
        await worker.start()

    async def _stop(app: Any, _loop: Any) -> None:
        worker = getattr(app.ctx, "outbox_worker", None)
        if worker is not None:
            await worker.stop()

    blueprint.listener("after_server_start")(_start)
    blueprint.listener("before_server_stop")(_stop)
