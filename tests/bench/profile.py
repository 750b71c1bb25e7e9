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


async def _replay(path: ClientPath, expected: Expected, rounds: int) -> int:
    """Every script `rounds` times, one turn at a time; the number of turns."""
    turns = 0
    for _ in range(rounds):
        for script in SCRIPTS:
            conversation = await path.open(f"profile-{turns}-{time.time_ns()}", TURN_TIMEOUT)
            for index, text in enumerate(script.turns):
                await conversation.turn(text, expected[(path.name, script.name)][index], TURN_TIMEOUT)
                turns += 1
            await conversation.close()
    return turns


async def profile_paths(stack: BenchStack, out: Path, expected: Expected, rounds: int) -> dict[str, dict]:
    """For plain REST and SMS: stage timers alone over `rounds` passes of every script, then cProfile."""
    target = Path(stack.haven.env[PROFILE_ENV])
    results = {}
    async with http_session() as http:
        for name in PATH_NAMES[:2]:
            path = ClientPath(name, stack, http)
            await _signal_and_wait(stack.rasa_pid, signal.SIGUSR1, None)
            turns = await _replay(path, expected, rounds)
            await _signal_and_wait(stack.rasa_pid, signal.SIGUSR2, target.with_suffix(".json"))
            stages = json.loads(target.with_suffix(".json").read_text())
            await _signal_and_wait(stack.rasa_pid, signal.SIGHUP, None)
            profiled_turns = await _replay(path, expected, rounds)
            await _signal_and_wait(stack.rasa_pid, signal.SIGUSR2, target.with_suffix(".pstats"))
            slug = "rest" if name == PATH_NAMES[0] else "sms"
            pstats_file = out / f"profile-{slug}.pstats"
            target.with_suffix(".pstats").replace(pstats_file)
            results[name] = {"turns": turns, "stages": stages, "pstats": pstats_file, "profiled_turns": profiled_turns}
    return results


def _by_package(pstats_file: Path) -> tuple[list[tuple[str, float]], float]:
    """Self (CPU) time by package, idle event-loop waiting excluded; and the total."""
    totals: dict[str, float] = defaultdict(float)
    stats = pstats.Stats(str(pstats_file)).stats
    for (filename, _line, function), (_cc, _nc, self_time, _cum, _callers) in stats.items():
        if function in IDLE:
            continue
        if "site-packages/" in filename:
            package = filename.split("site-packages/")[1].split("/")[0].removesuffix(".py")
        elif "/work/main/" in filename:
            package = "haven: " + filename.split("/work/main/")[1].split("/")[0]
        elif filename == "~":
            package = "builtins / C calls"
        else:
            package = "python stdlib: " + "/".join(Path(filename).with_suffix("").parts[-2:])
        totals[package] += self_time
    return sorted(totals.items(), key=lambda item: -item[1]), sum(totals.values())


WATCHED = (
    ("rasa/core/actions/action.py", "_validate_action_result"),
    ("jsonschema/validators.py", "check_schema"),
    ("rasa/core/processor.py", "parse_message"),
    ("rasa/core/processor.py", "_predict_next_with_tracker"),
    ("rasa/core/tracker_store.py", "save"),
    ("rasa/core/tracker_store.py", "retrieve"),
    ("connectors/pipeline/messages.py", "enqueue"),
    ("bot/outbox/worker.py", "_deliver"),
)


def _top_functions(pstats_file: Path, total: float) -> list[list[str]]:
    """Cumulative CPU share of the functions that matter for a turn (see WATCHED)."""
    rows = []
    stats = pstats.Stats(str(pstats_file)).stats
    for (filename, line, function), (_cc, _nc, _self, cumulative, _callers) in stats.items():
        for suffix, name in WATCHED:
            if filename.endswith(suffix) and function == name:
                rows.append((cumulative, f"`{suffix}:{line}({function})`"))
    return [[label, f"{seconds / total * 100:.1f}%"] for seconds, label in sorted(rows, reverse=True)]


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
    result.text("Stage timers alone (no cProfile), one conversation at a time; stages nest inside the turn "
                "total and the action server round trip includes the action's own work (e.g. argon2 verification). "
                "Outbox delivery runs after the turn, in the same process.")
    result.table(["stage (wall clock, per user turn)", *[f"{name}: {data['turns']} turns" for name, data in
                                                          results.items()]], rows)
    for name, data in results.items():
        packages, total = _by_package(data["pstats"])
        result.text(f"CPU time in the Rasa server's event-loop thread by package, {name} "
                    f"({total / max(data['profiled_turns'], 1) * 1000:.1f} ms per turn under cProfile, "
                    "idle waiting excluded; "
                    f"raw profile: `{data['pstats'].name}` in the results folder):")
        result.table(["package", "share"], [[package, f"{seconds / total * 100:.1f}%"] for package, seconds in
                                            packages[:8]])
        result.table(["function (most cumulative time, one call per turn or more)", "cumulative share"],
                     _top_functions(data["pstats"], total))
    result.commands("python -m tests.bench --only load,profile (the Rasa server runs under "
                    "tests/bench/profiled_rasa.py: SIGUSR1 resets the stage timers, SIGHUP also starts cProfile, "
                    "SIGUSR2 dumps them)")
    return result
