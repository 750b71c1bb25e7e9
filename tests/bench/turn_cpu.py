"""CPU time per turn (issue 12): the Rasa and action servers' user+system time over REST turns, per jsonschema.

`python -m tests.bench.turn_cpu [--turns N] [--rounds R] [--jsonschema4 DIR] [--path rest|sms|webchat]` prints the
section (`--path`: plain REST by default; SMS and web chat turns write their replies to the outbox). Each variant
gets its own stack; the Rasa server runs under tests/bench/versioned_rasa.py, which records the jsonschema it imported.
CPU time comes from /proc/<pid>/stat (utime + stime), so unlike wall time it barely moves when other work
shares the cores. A warm-up pass of every script runs first and is not counted; the servers' idle CPU
(timers, pollers) is measured over a quiet spell and shown beside the per-turn figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.bench.clients import PATH_NAMES
from tests.bench.clients import Path as TalkPath
from tests.bench.harness import BenchStack, running_stack
from tests.bench.load import TURN_TIMEOUT, http_session
from tests.bench.report import ROOT, Section
from tests.bench.scripts import SCRIPTS
from tests.bench.versioned_rasa import IMPORTS_ENV

PATHS = dict(zip(("rest", "sms", "webchat"), PATH_NAMES, strict=True))
JSONSCHEMA4_DIR = Path("/tmp/js4")  # pip install --no-deps --target /tmp/js4 jsonschema==4.17.3 pyrsistent
IDLE_SECONDS = 10.0
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


@dataclass
class TurnCpu:
    """One variant's figures: which jsonschema the server imported, turns driven and CPU seconds used."""

    variant: str
    imported: str
    turns: int
    failed_turns: int
    rasa_cpu: float
    action_cpu: float
    rasa_idle_per_s: float
    action_idle_per_s: float
    wall_seconds: float
    path: str = PATH_NAMES[0]
    rasa_loop_cpu: float = 0.0  # of rasa_cpu: the main thread's, where the event loop runs

def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """User + system CPU seconds a live process (or one of its threads) has used (fields 14 and 15 of stat)."""
    stat = Path(f"/proc/{pid}/task/{thread}/stat" if thread else f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()  # the command name may hold spaces; fields after it start at 3
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


async def _drive(stack: BenchStack, turns: int, path: str, expected: dict[str, list[int]] | None) -> tuple[int, int]:
    """Conversations on `path` cycling through the scripts until `turns` user turns are sent; (sent, failed).
    SMS and web chat turns end at their `expected` count of replies (per script, learnt by the warm-up)."""
    sent = failed = 0
    async with http_session() as http:
        talk = TalkPath(path, stack, http)
        while sent < turns:
            for script in SCRIPTS:
                conversation = await talk.open(f"cpu-{uuid.uuid4().hex[:12]}", TURN_TIMEOUT)
                for index, text in enumerate(script.turns[: turns - sent]):
                    counts = (expected or {}).get(script.name)
                    outcome = await conversation.turn(text, counts[index] if counts else None, TURN_TIMEOUT)
                    sent += 1
                    failed += outcome.error is not None
                await conversation.close()
                if sent >= turns:
                    break
    return sent, failed


async def _calibrate(stack: BenchStack, path: str) -> dict[str, list[int]]:
    """Each script once on `path` (a turn ends after a quiet spell): the replies each turn sends; the warm-up."""
    counts: dict[str, list[int]] = {}
    async with http_session() as http:
        talk = TalkPath(path, stack, http)
        for script in SCRIPTS:
            conversation = await talk.open(f"warm-{uuid.uuid4().hex[:12]}", TURN_TIMEOUT)
            counts[script.name] = [len((await conversation.turn(text, None, TURN_TIMEOUT)).replies)
                                   for text in script.turns]
            await conversation.close()
    return counts


def _rasa_command(extra_path: Path | None) -> list[str]:
    launcher = [sys.executable, "-m", "tests.bench.versioned_rasa"]
    if extra_path is None:
        return launcher
    pythonpath = os.pathsep.join(filter(None, [str(extra_path), os.environ.get("PYTHONPATH", "")]))
    return ["env", f"PYTHONPATH={pythonpath}", *launcher]  # `env` execs: the pid stays the Rasa server's


async def measure_variant(
    variant: str, workdir: Path, turns: int, extra_path: Path | None, path: str = PATHS["rest"]
) -> TurnCpu:
    """Start a stack (Rasa with `extra_path` first on its path), warm up, measure idle, then `turns` turns."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    imports = workdir / "imports.txt"
    async with running_stack(workdir, rasa_command=_rasa_command(extra_path),
                             extra_env={IMPORTS_ENV: str(imports)}) as stack:
        expected = await _calibrate(stack, path)  # warm-up, not counted
        pids = (stack.rasa_pid, stack.action_pid)
        idle_before = [cpu_seconds(pid) for pid in pids]
        await asyncio.sleep(IDLE_SECONDS)  # a quiet spell on purpose: the servers' own background CPU
        idle_after = [cpu_seconds(pid) for pid in pids]
        loop_before = cpu_seconds(stack.rasa_pid, thread=stack.rasa_pid)
        started = time.perf_counter()
        sent, failed = await _drive(stack, turns, path, expected)
        wall = time.perf_counter() - started
        after = [cpu_seconds(pid) for pid in pids]
        loop_cpu = cpu_seconds(stack.rasa_pid, thread=stack.rasa_pid) - loop_before
        return TurnCpu(
            variant=variant, imported=imports.read_text().strip(), turns=sent, failed_turns=failed,
            rasa_cpu=after[0] - idle_after[0], action_cpu=after[1] - idle_after[1],
            rasa_idle_per_s=(idle_after[0] - idle_before[0]) / IDLE_SECONDS,
            action_idle_per_s=(idle_after[1] - idle_before[1]) / IDLE_SECONDS, wall_seconds=wall, path=path,
            rasa_loop_cpu=loop_cpu,
        )


async def measure(
    out: Path, turns: int, jsonschema4: Path | None, rounds: int = 1, path: str = PATHS["rest"], label: str = ""
) -> list[TurnCpu]:
    """The pinned jsonschema, then (if its folder exists) jsonschema 4 from `jsonschema4`; `rounds` times,
    alternating, so a change in the machine's load falls on both."""
    variants: list[tuple[str, Path | None]] = [(f"{label}pinned (venv)", None)]
    if jsonschema4 is not None and jsonschema4.is_dir():
        variants.append((f"{label}PYTHONPATH={jsonschema4}", jsonschema4))
    results = []
    for round_number in range(1, rounds + 1):
        for index, (name, extra_path) in enumerate(variants):
            variant = f"{name}, round {round_number}" if rounds > 1 else name
            workdir = out / f"turn-cpu-{index}"
            results.append(await measure_variant(variant, workdir, turns, extra_path, path))
    return results


def _per_turn_ms(seconds: float, result: TurnCpu) -> str:
    return f"{seconds / max(result.turns, 1) * 1000:.1f} ms"


def _less_idle(seconds: float, idle_per_s: float, result: TurnCpu) -> str:
    """CPU per turn with the idle rate over the turns' wall time taken off: the turns' own work."""
    return _per_turn_ms(seconds - idle_per_s * result.wall_seconds, result)


def section(results: list[TurnCpu]) -> Section:
    """CPU ms per turn for each variant, Rasa and action server, with idle CPU and wall time beside them."""
    part = Section("6b. CPU per turn (issue 12): Rasa and action servers, by jsonschema version")
    paths = ", ".join(dict.fromkeys(result.path for result in results)) or PATH_NAMES[0]
    part.text(f"Process CPU time (user + system, /proc/<pid>/stat) over {paths} turns, one at a time, "
              "cycling through the bench scripts; a warm-up pass first, not counted. CPU time, unlike wall time, "
              "does not count time spent waiting for a busy core (cache sharing can still raise it a little); it is "
              "measured to one clock tick "
              f"({1000 / TICKS_PER_SECOND:.0f} ms) per process and includes the servers' idle background work "
              "(shown per second, measured over a quiet spell before the turns).")
    rows = [[f"{result.variant}: jsonschema {result.imported.split()[0]}", str(result.turns),
             str(result.failed_turns), _per_turn_ms(result.rasa_cpu, result),
             _less_idle(result.rasa_cpu, result.rasa_idle_per_s, result), _per_turn_ms(result.rasa_loop_cpu, result),
             _per_turn_ms(result.action_cpu, result),
             _less_idle(result.action_cpu, result.action_idle_per_s, result),
             f"{result.rasa_idle_per_s * 1000:.0f} / {result.action_idle_per_s * 1000:.0f} ms",
             _per_turn_ms(result.wall_seconds, result)] for result in results]
    part.table(["Rasa server imported", "turns", "failed", "Rasa CPU per turn", "less idle",
                "of which event-loop thread", "action server CPU per turn", "less idle",
                "idle CPU per s (Rasa / action)", "wall per turn"], rows)
    part.text("Imported modules, as each Rasa server recorded them: " + "; ".join(
        f"`{imported}`" for imported in dict.fromkeys(result.imported for result in results)) + ".")
    by_variant: dict[str, list[float]] = {}
    for result in results:
        by_variant.setdefault(result.imported.split()[0], []).append(result.rasa_cpu / max(result.turns, 1))
    if len(by_variant) == 1:
        part.text("jsonschema 4 was not measured: its folder is missing (see the command below).")
    if len(by_variant) == 2:
        (_old, old), (_new, new) = sorted(by_variant.items())  # 3.x before 4.x
        ratio = (sum(old) / len(old)) / (sum(new) / len(new))
        part.text(f"Rasa server CPU per turn, jsonschema 3 / jsonschema 4 (mean over rounds): {ratio:.2f}x.")
    part.text("jsonschema 4 comes from `pip install --no-deps --target /tmp/js4 jsonschema==4.17.3 pyrsistent` "
              "and reaches the Rasa server only, by PYTHONPATH.")
    part.commands("python -m tests.bench.turn_cpu --turns N --rounds R")
    return part


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.turn_cpu", description=__doc__)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--jsonschema4", type=Path, default=JSONSCHEMA4_DIR, help="folder holding jsonschema 4")
    parser.add_argument("--rounds", type=int, default=1, help="alternate the versions this many times")
    parser.add_argument("--path", choices=sorted(PATHS), default="rest", help="how the turns reach Haven")
    parser.add_argument("--label", default="", help="put before each variant's name (e.g. the build measured)")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench")
    args = parser.parse_args(argv)
    label = f"{args.label}, " if args.label else ""
    results = asyncio.run(measure(args.out, args.turns, args.jsonschema4, args.rounds, PATHS[args.path], label))
    print(section(results).render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
