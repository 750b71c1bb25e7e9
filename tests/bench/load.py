"""Latency and throughput: scripted victims at 1, 10 and 50 concurrent conversations on each path."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import aiohttp

from tests.bench.clients import PATH_NAMES, Path
from tests.bench.harness import BenchStack
from tests.bench.scripts import SCRIPTS, script_for

TURN_TIMEOUT = 30.0
Expected = dict[tuple[str, str], list[int]]  # (path, script name) -> replies per turn


def levels(quick: bool) -> dict[int, int]:
    """Conversations to run at each concurrency: 1, 10 and 50 at once (fewer for a smoke run)."""
    return {1: 4, 10: 20, 50: 50} if quick else {1: 12, 10: 60, 50: 150}


@dataclass
class LevelResult:
    """Every turn of one path at one concurrency."""

    path: str
    concurrency: int
    conversations: int
    latencies: list[float] = field(default_factory=list)
    turns: int = 0
    errors: int = 0
    lost: int = 0
    wrong: int = 0
    unfinished: int = 0
    wall_seconds: float = 0.0
    error_kinds: Counter[str] = field(default_factory=Counter)  # what went wrong in the failed turns
    machine_busy: float | None = None  # share of all cores busy during the level (every process on the machine)


def cpu_ticks() -> tuple[int, int] | None:
    """(busy, total) jiffies of all cores since boot, from /proc/stat; None where there is none."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share of the machine's cores that were busy between two `cpu_ticks()` readings."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def http_session() -> aiohttp.ClientSession:
    """One client session for every simulated victim (no connection cap: 50 talk at once)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))


async def calibrate(stack: BenchStack, http: aiohttp.ClientSession) -> Expected:
    """Each script once per path, alone, to learn how many replies each turn sends on that path."""
    expected: Expected = {}
    for name in PATH_NAMES:
        path = Path(name, stack, http)
        for script in SCRIPTS:
            conversation = await path.open(f"calibrate-{uuid.uuid4().hex[:12]}", TURN_TIMEOUT)
            counts = []
            for text in script.turns:
                result = await conversation.turn(text, None, TURN_TIMEOUT)
                counts.append(len(result.replies))
            await conversation.close()
            expected[(name, script.name)] = counts
    return expected


async def _converse(path: Path, index: int, run_id: str, expected: Expected, result: LevelResult) -> None:
    script = script_for(index)
    try:
        conversation = await path.open(f"bench-{run_id}-{index}", TURN_TIMEOUT)
    except Exception as error:
        result.errors += 1
        result.lost += sum(expected[(path.name, script.name)])
        print(f"  open failed on {path.name}: {type(error).__name__}", flush=True)
        return
    try:
        for turn, text in enumerate(script.turns):
            outcome = await conversation.turn(text, expected[(path.name, script.name)][turn], TURN_TIMEOUT)
            result.turns += 1
            result.lost += outcome.lost
            if outcome.error or outcome.latency is None:
                result.errors += 1
                result.error_kinds[outcome.error or "no latency"] += 1
                continue
            result.latencies.append(outcome.latency)
            must_contain = script.expect_in_turn.get(turn)
            if must_contain and must_contain.lower() not in " ".join(outcome.replies).lower():
                result.wrong += 1
    finally:
        await conversation.close()


async def run_level(stack: BenchStack, http: aiohttp.ClientSession, *, path_name: str, concurrency: int,
                    conversations: int, expected: Expected, level_timeout: float) -> LevelResult:
    """`conversations` conversations, at most `concurrency` at once, within `level_timeout` seconds."""
    path = Path(path_name, stack, http)
    result = LevelResult(path_name, concurrency, conversations)
    pending: asyncio.Queue[int] = asyncio.Queue()
    for index in range(conversations):
        pending.put_nowait(index)
    run_id = uuid.uuid4().hex[:10]

    async def worker() -> None:
        while not pending.empty():
            await _converse(path, pending.get_nowait(), run_id, expected, result)

    started, ticks = time.perf_counter(), cpu_ticks()
    tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
    done, not_done = await asyncio.wait(tasks, timeout=level_timeout)
    result.machine_busy = busy_share(ticks, cpu_ticks())
    for task in not_done:
        task.cancel()
    result.unfinished = pending.qsize() + len(not_done)
    result.wall_seconds = time.perf_counter() - started
    for task in done:
        if task.exception() is not None:
            result.errors += 1
            print(f"  worker failed on {path_name}: {task.exception()!r}", flush=True)
    return result


async def run_all(stack: BenchStack, *, levels: dict[int, int], level_timeout: float) -> tuple[list[LevelResult],
                                                                                              Expected]:
    """Calibrate, warm up, then every level on every path (paths interleaved within a level)."""
    results = []
    async with http_session() as http:
        expected = await calibrate(stack, http)  # doubles as the warm-up of every path
        for concurrency, conversations in levels.items():
            for name in PATH_NAMES:
                level = await run_level(stack, http, path_name=name, concurrency=concurrency,
                                        conversations=conversations, expected=expected, level_timeout=level_timeout)
                print(f"  {name} x{concurrency}: {level.turns} turns in {level.wall_seconds:.1f} s, "
                      f"{level.errors} errors {dict(level.error_kinds) or ''}, {level.lost} lost", flush=True)
                results.append(level)
    return results, expected
