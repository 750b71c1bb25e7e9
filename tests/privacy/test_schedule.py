"""A worker's periodic job (retention here): runs at once, again each interval, survives a failed pass."""

from __future__ import annotations

import asyncio
import logging

from bot.off_loop import repeat


async def test_the_loop_runs_at_start_and_then_every_interval_until_stopped():
    stop, runs = asyncio.Event(), []

    def run() -> None:
        runs.append(1)
        if len(runs) == 3:
            stop.set()

    await asyncio.wait_for(repeat(stop, 0.01, run, "retention"), timeout=10)
    assert len(runs) == 3


async def test_a_failed_pass_is_retried_and_warned_about_once(caplog):
    stop, runs = asyncio.Event(), []

    def run() -> None:
        runs.append(1)
        if len(runs) == 4:
            stop.set()
        raise ConnectionError("database down")

    with caplog.at_level(logging.WARNING):
        await asyncio.wait_for(repeat(stop, 0.01, run, "retention"), timeout=10)
    assert len(runs) == 4
    assert [record.getMessage() for record in caplog.records].count(
        "retention failed, retrying every 0.01s: ConnectionError"
    ) == 1
