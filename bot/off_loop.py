"""Run blocking work (database, argon2) off the event loop, in bounded thread pools sized from the settings.

The action server (rasa_sdk) and the Rasa server (console, channels) each serve every request on one
event loop: a database call or an argon2 check made there holds up every other conversation. Blocking
work goes through `run_blocking` (or `in_session`) instead, in one of two lanes:

- `DATABASE`: short database work (an escalation's hand-off row, a look-up, an audit entry);
- `HASHING`: argon2 checks (about 160 ms of CPU and 64 MiB each: verification answers, staff passwords).

Separate lanes mean a burst of verifications fills only the hashing pool, so an escalation's database
work never queues behind them. Both pools are bounded (HAVEN_DATABASE_THREADS, HAVEN_HASHING_THREADS) and
created on first use in the process that uses them; a forked child (a pre-forking server, mutmut's workers)
gets pools of its own, since threads do not survive a fork and a copied pool would never run its work.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import Any, TypeVar

from bot.db import session_scope
from bot.settings import get_settings

logger = logging.getLogger(__name__)
DATABASE = "database"
HASHING = "hashing"
LANES = (DATABASE, HASHING)
Result = TypeVar("Result")

_pools: dict[tuple[int, str], ThreadPoolExecutor] = {}  # (process id, lane)
_pools_lock = threading.Lock()


def lane_size(lane: str) -> int:
    """How many threads the lane may use (the hashing lane: one per CPU core unless set)."""
    settings = get_settings()
    if lane == HASHING:
        return settings.hashing_threads or max(1, os.cpu_count() or 1)
    return settings.database_threads


def pool(lane: str) -> ThreadPoolExecutor:
    """The lane's thread pool, created on first use."""
    if lane not in LANES:
        raise ValueError(f"unknown lane {lane!r}; use one of {', '.join(LANES)}")
    key = (os.getpid(), lane)
    with _pools_lock:
        if key not in _pools:
            _pools[key] = ThreadPoolExecutor(max_workers=lane_size(lane), thread_name_prefix=f"haven-{lane}")
        return _pools[key]


async def run_blocking(function: Callable[..., Result], /, *args: Any, lane: str = DATABASE, **kwargs: Any) -> Result:
    """`function(*args, **kwargs)` in the lane's pool; the loop serves other requests meanwhile.

    Context variables (such as the console's acting API token) are copied to the thread, as
    asyncio.to_thread does.
    """
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    call = functools.partial(context.run, function, *args, **kwargs)
    return await loop.run_in_executor(pool(lane), call)


def _with_session(function: Callable[..., Result], kwargs: dict[str, Any]) -> Result:
    with session_scope() as session:
        return function(session, **kwargs)


async def in_session(function: Callable[..., Result], /, *, lane: str = DATABASE, **kwargs: Any) -> Result:
    """`function(session, **kwargs)` in a session of its own (committed on success), off the loop."""
    return await run_blocking(_with_session, function, kwargs, lane=lane)


def shut_down() -> None:
    """Stop the pools (waiting for running work); the next call creates them again."""
    with _pools_lock:
        executors = list(_pools.values())
        _pools.clear()
    for executor in executors:
        executor.shutdown(wait=True)


async def repeat(stop: asyncio.Event, interval: float, run: Callable[[], Any], name: str) -> None:
    """`run()` off the loop now and then every `interval` s until `stop` is set (a worker's periodic job).

    A failed pass is retried at the next interval and logged once per run of failures, so a database outage
    neither ends the job nor floods the log.
    """
    failing = False
    while not stop.is_set():
        try:
            await run_blocking(run)
            failing = False
        except Exception as error:
            if not failing:
                logger.error("%s failed, retrying every %ss: %s", name, interval, type(error).__name__)
            failing = True
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
