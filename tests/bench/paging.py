"""The time from an unclaimed high-risk hand-off to its page, with the worker's real paging schedule.

`python -m tests.bench.paging [--samples N]` prints the section. The worker's jobs run as `python -m bot worker`
runs them (HAVEN_PAGING_INTERVAL_SECONDS, default 15 s), on a fresh SQLite database, paging an on-call worker
by SMS through the outbox to a local Twilio API. Each hand-off is opened at a random moment of the schedule,
back-dated by the 2-minute threshold, so the figure is what is added to those 2 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from bot import migrate
from bot.db import session_scope
from bot.models.base import utcnow
from bot.paging.pages import PAGE_AFTER
from bot.paging.roster import ON_CALL_LEVEL, set_pager
from bot.settings import get_settings
from bot.worker.channels import register_senders
from bot.worker.service import WorkerJobs, run_jobs
from tests.bench.report import Section
from tests.bench.stats import percentile
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilioApi
from tests.handoff.factories import make_handoff, make_staff


def _prepare(workdir: Path, twilio_url: str) -> float:
    """A migrated database, the environment pointing at it and the fake Twilio, one on-call worker; the interval."""
    url = f"sqlite:///{workdir / 'paging.db'}"
    migrate.upgrade(url)
    os.environ.update(DATABASE_URL=url, HAVEN_ENV="test", TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                      TWILIO_FROM_NUMBER=FROM_NUMBER, TWILIO_API_BASE_URL=twilio_url)  # fmt: skip
    get_settings.cache_clear()
    with session_scope() as session:
        set_pager(make_staff(session, "on.call"), contact="+447700900555", on_call=True)
    return float(get_settings().paging_interval_seconds)


async def measure(samples: int) -> tuple[list[float], float]:
    """Seconds from each hand-off becoming 2 minutes old to its SMS reaching Twilio; and the job's interval."""
    twilio = FakeTwilioApi()
    await twilio.start()
    delays: list[float] = []
    with tempfile.TemporaryDirectory() as workdir:
        interval = _prepare(Path(workdir), twilio.base_url)
        settings = get_settings()
        stop = asyncio.Event()
        jobs = WorkerJobs(channels=tuple(register_senders(settings, ["sms"])), notify=False, retention=False)
        worker = asyncio.create_task(run_jobs(settings, jobs, stop))
        try:
            for index in range(samples):
                await asyncio.sleep(random.uniform(0, interval))  # a random moment of the schedule
                with session_scope() as session:
                    make_handoff(session, f"sms:+4477009{index:05d}", level="high", reason="risk",
                                 created_at=utcnow() - PAGE_AFTER[ON_CALL_LEVEL])  # fmt: skip
                started = time.monotonic()
                await twilio.wait_for(index + 1, timeout=interval + 30)
                delays.append(time.monotonic() - started)
        finally:
            stop.set()
            await worker
            await twilio.stop()
    return delays, interval


def section(delays: list[float], interval: float) -> Section:
    part = Section("4g. Paging (issue 13): unclaimed high-risk hand-off to the on-call worker's SMS")
    threshold = PAGE_AFTER[ON_CALL_LEVEL].total_seconds()
    part.text(
        f"{len(delays)} hand-offs, each unclaimed for the 2-minute threshold at a random moment of the "
        f"worker's paging schedule (every {interval:.0f} s); SMS through the outbox to a local Twilio API."
    )
    part.table(["figure", "p50", "max"], [
        ["time after the 2 minutes", f"{percentile(delays, 50):.1f} s", f"{max(delays):.1f} s"],
        ["hand-off opened to page", f"{threshold + percentile(delays, 50):.1f} s", f"{threshold + max(delays):.1f} s"],
    ])  # fmt: skip
    return part


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.paging", description=__doc__)
    parser.add_argument("--samples", type=int, default=5)
    args = parser.parse_args(argv)
    print(section(*asyncio.run(measure(args.samples))).render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
