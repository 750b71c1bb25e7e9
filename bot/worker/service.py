"""The worker's jobs in one event loop: outbox delivery, case-update notifications and retention, with a clean stop."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import suppress
from dataclasses import dataclass, field

from bot.clocks.job import CLOCK_PASS_SECONDS, run_clock_pass_now
from bot.contact.retry_times import install_retry_holds
from bot.notify import run_notification_round
from bot.off_loop import repeat
from bot.outbox.worker import OutboxWorker
from bot.paging.schedule import run_paging_round
from bot.privacy.schedule import run_privacy_pass
from bot.settings import Settings

logger = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
LOOP_STOP_SECONDS = 30.0  # a notification round or a retention pass in progress is allowed this long to finish


@dataclass
class WorkerJobs:
    """Which jobs this worker runs; several workers may run the same jobs at once."""

    channels: tuple[str, ...]
    notify: bool = True
    retention: bool = True
    paging: bool = True
    clocks: bool = True  # Victims' Code clocks (bot/clocks/job.py)
    tasks: list[asyncio.Task] = field(default_factory=list)


def _on_stop_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for number in STOP_SIGNALS:
        loop.add_signal_handler(number, stop.set)


async def run_jobs(settings: Settings, jobs: WorkerJobs, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set (by SIGTERM or SIGINT when not given); then let each job finish or release
    what it holds: sends in flight are completed and recorded, claims not yet sent are given back."""
    if stop is None:
        stop = asyncio.Event()
        _on_stop_signals(stop)
    install_retry_holds()  # retries of unprompted messages wait for a permitted time
    outbox = OutboxWorker.from_settings(settings, jobs.channels)
    await outbox.start()
    periodic = (  # (wanted, every so many seconds, the blocking pass, its name in logs); 0 s: off
        (jobs.notify, float(settings.notify_interval_seconds), run_notification_round, "notifications"),
        (jobs.retention, settings.retention_interval_minutes * 60.0, run_privacy_pass, "retention"),
        (jobs.paging, float(settings.paging_interval_seconds), run_paging_round, "paging"),
        (jobs.clocks, CLOCK_PASS_SECONDS, run_clock_pass_now, "clock pass"),
    )
    for wanted, interval, run, name in periodic:
        if wanted and interval > 0:
            jobs.tasks.append(asyncio.create_task(repeat(stop, interval, run, name), name=f"haven-{name}"))
    logger.info(
        "worker started: outbox for %s; notifications %s; retention %s",
        ", ".join(jobs.channels) or "no channel",
        "on" if jobs.notify else "off",
        "on" if jobs.retention else "off",
    )
    try:
        await stop.wait()
    finally:
        logger.info("worker stopping")
        await outbox.stop()
        stop.set()
        for task in jobs.tasks:
            with suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=LOOP_STOP_SECONDS)
        logger.info("worker stopped")
