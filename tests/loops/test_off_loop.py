"""bot/off_loop.py: blocking work runs in bounded pools, the loop stays free, and a full hashing lane delays
nothing in the database lane."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest
from sqlalchemy import text

from bot import off_loop
from bot.settings import get_settings

WAIT = 30.0  # a deadline for conditions that hold at once when the code is right
acting = contextvars.ContextVar("acting", default=None)


@pytest.fixture(autouse=True)
def fresh_pools(monkeypatch):
    """Pools sized from this test's settings, stopped after it."""
    off_loop.shut_down()
    yield monkeypatch
    off_loop.shut_down()
    get_settings.cache_clear()


async def test_the_loop_keeps_serving_while_blocking_work_waits() -> None:
    released = threading.Event()

    def blocking() -> str:
        assert released.wait(WAIT), "the loop never got to release the thread: it was blocked"
        return threading.current_thread().name

    work = asyncio.ensure_future(off_loop.run_blocking(blocking))
    await asyncio.sleep(0)  # the loop runs other tasks...
    asyncio.get_running_loop().call_soon(released.set)  # ...such as this one, while the work waits
    assert (await asyncio.wait_for(work, WAIT)).startswith("haven-database")


async def test_context_variables_reach_the_thread() -> None:
    acting.set("token 7")
    assert await off_loop.run_blocking(acting.get) == "token 7"


async def test_a_full_hashing_lane_does_not_hold_up_the_database_lane(fresh_pools) -> None:
    fresh_pools.setenv("HAVEN_HASHING_THREADS", "2")
    get_settings.cache_clear()
    released = threading.Event()
    hashing = [asyncio.ensure_future(off_loop.run_blocking(released.wait, WAIT, lane=off_loop.HASHING))
               for _ in range(5)]  # two run, three queue: the lane is full
    try:
        name = await asyncio.wait_for(off_loop.run_blocking(lambda: threading.current_thread().name), WAIT)
        assert name.startswith("haven-database")
        assert not any(task.done() for task in hashing)
    finally:
        released.set()
    assert await asyncio.wait_for(asyncio.gather(*hashing), WAIT) == [True] * 5


def test_lane_sizes_come_from_the_settings(fresh_pools) -> None:
    fresh_pools.setenv("HAVEN_DATABASE_THREADS", "3")
    fresh_pools.setenv("HAVEN_HASHING_THREADS", "0")
    get_settings.cache_clear()
    assert off_loop.lane_size(off_loop.DATABASE) == 3
    assert off_loop.lane_size(off_loop.HASHING) >= 1  # 0: one per CPU core
    assert off_loop.pool(off_loop.DATABASE)._max_workers == 3
    with pytest.raises(ValueError):
        off_loop.pool("elsewhere")


async def test_in_session_commits_its_own_session(db_url) -> None:
    def insert(session) -> None:
        session.execute(text("CREATE TABLE loops_probe (n INTEGER)"))
        session.execute(text("INSERT INTO loops_probe VALUES (1)"))

    await off_loop.in_session(insert)
    count = await off_loop.in_session(lambda session: session.scalar(text("SELECT count(*) FROM loops_probe")))
    assert count == 1


def _run_blocking_work_in_this_process() -> None:
    """In a forked child: blocking work must still run (exit code 0), not wait forever on the parent's threads."""
    answer = asyncio.run(asyncio.wait_for(off_loop.run_blocking(lambda: 42), WAIT))
    raise SystemExit(0 if answer == 42 else 1)


async def test_a_forked_child_gets_pools_of_its_own() -> None:
    import multiprocessing

    assert await off_loop.run_blocking(lambda: 41) == 41  # the parent's pool exists, with a live thread
    child = multiprocessing.get_context("fork").Process(target=_run_blocking_work_in_this_process)
    child.start()
    child.join(WAIT + 5)

    assert child.exitcode == 0, f"the child's blocking work did not run (exit code {child.exitcode})"
