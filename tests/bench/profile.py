"""Where one turn's time goes: stage timers and cProfile inside the Rasa server, one conversation at a time."""

from __future__ import annotations

import asyncio
import json
import os
import pstats
import signal
import sys
import time
from collections import defaultdict
from pathlib import Path

from tests.bench.clients import PATH_NAMES
from tests.bench.clients import Path as ClientPath
from tests.bench.harness import BenchStack
from tests.bench.load import TURN_TIMEOUT, Expected, http_session
from tests.bench.report import Section
from tests.bench.scripts import SCRIPTS

PROFILE_ENV = "HAVEN_BENCH_PROFILE"
LAUNCHER = [sys.executable, "-m", "tests.bench.profiled_rasa"]
IDLE = ("{method 'poll' of 'select.epoll' objects}", "{method 'control' of 'select.kqueue' objects}")


def launcher_env(out: Path) -> dict[str, str]:
    """Tell the launcher where to write its dumps."""
    return {PROFILE_ENV: str(out / "profile")}


async def _signal_and_wait(pid: int, signum: int, wait_for: Path | None) -> None:
    if wait_for is not None and wait_for.exists():
        wait_for.unlink()
    os.kill(pid, signum)
    deadline = time.monotonic() + 30
    while wait_for is not None and not wait_for.exists() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # let the dump finish writing


async def profile_paths(stack: BenchStack, out: Path, expected: Expected, rounds: int) -> dict[str, dict]:
    """For plain REST and SMS: `rounds` passes over every script, one turn at a time, timers and cProfile on."""
    target = Path(stack.haven.env[PROFILE_ENV])
    results = {}
    async with http_session() as http:
        for name in PATH_NAMES[:2]:
            path = ClientPath(name, stack, http)
            await _signal_and_wait(stack.rasa_pid, signal.SIGUSR1, None)
            turns = 0
            for _ in range(rounds):
                for script in SCRIPTS:
                    conversation = await path.open(f"profile-{turns}-{time.time_ns()}", TURN_TIMEOUT)
                    for index, text in enumerate(script.turns):
                        await conversation.turn(text, expected[(name, script.name)][index], TURN_TIMEOUT)
                        turns += 1
                    await conversation.close()
            await _signal_and_wait(stack.rasa_pid, signal.SIGUSR2, target.with_suffix(".json"))
            stages = json.loads(target.with_suffix(".json").read_text())
            slug = "rest" if name == PATH_NAMES[0] else "sms"
            pstats_file = out / f"profile-{slug}.pstats"
            target.with_suffix(".pstats").replace(pstats_file)
            results[name] = {"turns": turns, "stages": stages, "pstats": pstats_file}
    return results


def _by_package(pstats_file: Path) -> tuple[list[tuple[str, float]], float]:
    """Self (CPU) time by package, idle event-loop waiting excluded; and the total."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, function), (_cc, _nc, self_time, _cum, _callers) in pstats.Stats(str(pstats_file)).stats.items():
        if function in IDLE:
            continue
        if "site-packages/" in filename:
            package = filename.split("site-packages/")[1].split("/")[0].removesuffix(".py")
        elif "/work/main/" in filename:
            package = "haven: " + filename.split("/work/main/")[1].split("/")[0]
        elif filename == "~":
            package = "builtins / C calls"
        else:
            package = "python stdlib: " + Path(filename).stem
        totals[package] += self_time
    return sorted(totals.items(), key=lambda item: -item[1]), sum(totals.values())


def section(results: dict[str, dict]) -> Section:
    """Stage wall times per turn and the CPU profile by package."""
    result = Section("6. Where the time goes: one turn, profiled")
    stage_names = sorted({stage for data in results.values() for stage in data["stages"]})
    rows = []
    for stage in stage_names:
        row = [stage]
        for data in results.values():
            figures = data["stages"].get(stage, {"calls": 0, "seconds": 0.0})
            row.append(f"{figures['seconds'] / max(data['turns'], 1) * 1000:.1f} ms ({figures['calls']} calls)")
        rows.append(row)
    result.table(["stage (wall clock, per user turn)", *[f"{name}: {data['turns']} turns" for name, data in
                                                          results.items()]], rows)
    for name, data in results.items():
        packages, total = _by_package(data["pstats"])
        result.text(f"CPU time in the Rasa server's event-loop thread by package, {name} "
                    f"({total / max(data['turns'], 1) * 1000:.1f} ms per turn under cProfile, idle waiting excluded; "
                    f"raw profile: `{data['pstats'].name}` in the results folder):")
        result.table(["package", "share"], [[package, f"{seconds / total * 100:.1f}%"] for package, seconds in
                                            packages[:10]])
    result.commands("python -m tests.bench --only load,profile (the Rasa server runs under "
                    "tests/bench/profiled_rasa.py: SIGUSR1 starts cProfile and the stage timers, SIGUSR2 dumps them)")
    return result
