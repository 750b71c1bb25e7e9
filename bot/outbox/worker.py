"""The outbox worker: an asyncio task that claims due messages under fenced leases and hands them to senders."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from contextlib import suppress
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.db import get_engine, session_scope
from bot.off_loop import run_blocking
from bot.outbox import claims, senders
from bot.outbox.outcomes import Outcome, describe_error, record_outcome, release_claim, retry_after_of
from bot.outbox.policy import DEFAULT_POLICY, RetryPolicy
from bot.outbox.wakeups import PostgresWakeups
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)


class OutboxWorker:
    """Delivers outbox messages in order per recipient; several workers (or processes) may run at once.

    Delivery is at least once: a message is sent only while this worker's lease on it has room for the
    whole send and its recording; if the worker dies after the provider accepted a message but before
    the outcome was stored, the message is sent again once the lease runs out (README, "Worker process").
    """

    def __init__(
        self,
        *,
        policy: RetryPolicy = DEFAULT_POLICY,
        poll_interval: float = 0.5,
        batch_size: int = 20,
        send_timeout: float = 30.0,
        engine: Engine | None = None,
        channels: Iterable[str] | None = None,
    ) -> None:
        if send_timeout * 3 > policy.lease_seconds:
            raise ValueError("the send timeout must be at most a third of the lease")
        self.policy = policy
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.send_timeout = send_timeout
        self.channels = None if channels is None else frozenset(channels)
        self._engine = engine
        self._task: asyncio.Task | None = None
        self._wake_event: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self._wakeups: PostgresWakeups | None = None

    @classmethod
    def from_settings(cls, settings: Settings, channels: Iterable[str] | None = None) -> OutboxWorker:
        """A worker with the lease, back-off, send timeout and poll interval of HAVEN_OUTBOX_* (bot/settings.py)."""
        return cls(
            policy=RetryPolicy(
                base_seconds=float(settings.outbox_retry_base_seconds),
                cap_seconds=float(settings.outbox_retry_cap_seconds),
                max_attempts=settings.outbox_max_attempts,
                lease_seconds=float(settings.outbox_lease_seconds),
            ),
            poll_interval=settings.outbox_poll_ms / 1000.0,
            send_timeout=float(settings.outbox_send_timeout_seconds),
            channels=channels,
        )

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
        engine = self._engine or get_engine()
        if PostgresWakeups.wanted(engine):
            self._wakeups = PostgresWakeups(engine, self.wake)
            self._wakeups.start()
        self._task = asyncio.create_task(self._run(), name="haven-outbox-worker")

    async def stop(self, grace_seconds: float | None = None) -> None:
        """Finish the sends in flight and record them (up to `grace_seconds`, by default a send timeout and
        a bit), give back claims not yet started, then stop."""
        senders.remove_listener(self.wake)
        wakeups, self._wakeups = self._wakeups, None
        if wakeups is not None:
            await run_blocking(wakeups.stop)
        task, self._task = self._task, None
        if task is not None:
            self._stopping = True
            self.wake()
            try:
                await asyncio.wait_for(asyncio.shield(task), grace_seconds or self.send_timeout + 5.0)
            except asyncio.TimeoutError:
                task.cancel()  # a send still in flight is retried when its lease runs out
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

    def deliverable_channels(self) -> list[str]:
        """Channels with a sender in this process, within the worker's own set if it has one."""
        registered = senders.registered_channels()
        return registered if self.channels is None else [name for name in registered if name in self.channels]

    async def run_once(self) -> int:
        """Claim and deliver one batch, waiting for all of it; returns how many messages were claimed."""
        claimed = await self._claim_up_to(self.batch_size)
        await asyncio.gather(*(self._handle(message) for message in claimed))
        return len(claimed)

    async def _claim_up_to(self, limit: int) -> list[claims.ClaimedMessage]:
        channels = self.deliverable_channels()
        if not channels or self._stopping:
            return []
        return await run_blocking(self._claim, channels, limit)

    async def _run(self) -> None:
        """Keep up to `batch_size` sends in flight; each finished send makes room for a new claim at once,
        so one slow provider call holds up only its own recipient."""
        assert self._wake_event is not None
        in_flight: set[asyncio.Task] = set()
        failing = False

        def finished(task: asyncio.Task) -> None:
            in_flight.discard(task)
            self.wake()

        try:
            while not self._stopping:
                room = self.batch_size - len(in_flight)
                claimed: list[claims.ClaimedMessage] = []
                if room > 0:
                    try:
                        claimed = await self._claim_up_to(room)
                        failing = False
                    except Exception as error:  # the database is down: try again at each poll, say so once
                        if not failing:
                            logger.error("outbox claims failing, retrying every poll: %s", type(error).__name__)
                        failing = True
                for message in claimed:
                    task = asyncio.create_task(self._handle(message), name=f"haven-outbox-{message.id}")
                    in_flight.add(task)
                    task.add_done_callback(finished)
                if room > 0 and len(claimed) == room:
                    continue  # there may be more due
                with suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake_event.wait(), timeout=self.poll_interval)
                self._wake_event.clear()
        finally:
            if in_flight:  # finish (or, once stopping, give back) what this worker holds
                await asyncio.gather(*in_flight, return_exceptions=True)

    def _claim(self, channels: list[str], limit: int) -> list[claims.ClaimedMessage]:
        with session_scope(self._engine) as session:
            return claims.claim_due(session, channels=channels, limit=limit, policy=self.policy)

    async def _handle(self, message: claims.ClaimedMessage) -> None:
        """Send one claimed message and record the outcome at once, or give the claim back unsent."""
        try:
            if self._stopping or not message.may_start_send(self.send_timeout):
                await run_blocking(release_claim, message, self._engine)
                return
            outcome = await self._deliver(message)
            await run_blocking(record_outcome, outcome, self._engine, self.policy)
        except SQLAlchemyError as error:  # still failing when the lease ran out: the message is retried
            logger.error("outbox message %s: outcome not recorded (%s)", message.id, type(error).__name__)

    async def _deliver(self, message: claims.ClaimedMessage) -> Outcome:
        """Send one message, bounded by the send timeout (well inside the lease)."""
        sender = senders.get_sender(message.channel)
        try:
            if sender is None:
                raise LookupError(f"no sender for {message.channel}")
            provider_id = await asyncio.wait_for(sender(message.recipient, message.payload), self.send_timeout)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            permanent = isinstance(error, senders.PermanentDeliveryError)
            return Outcome(message, None, describe_error(error), permanent, type(error).__name__, retry_after_of(error))
        return Outcome(message, str(provider_id or ""), None, False, None)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def attach_worker(blueprint: Any, channels: Iterable[str] | None = None) -> None:
    """Run one outbox worker per Sanic app (for `channels`, or every registered sender): started after
    the server starts, stopped before it stops. Several channels may attach; the first start wins.
    A test may preset `app.ctx.outbox_worker`."""

    async def _start(app: Any, _loop: Any) -> None:
        worker = getattr(app.ctx, "outbox_worker", None)
        if worker is None:
            worker = OutboxWorker.from_settings(get_settings(), channels)
            app.ctx.outbox_worker = worker
        await worker.start()

    async def _stop(app: Any, _loop: Any) -> None:
        worker = getattr(app.ctx, "outbox_worker", None)
        if worker is not None:
            await worker.stop()

    blueprint.listener("after_server_start")(_start)
    blueprint.listener("before_server_stop")(_stop)
