"""`python -m tests.bench [--only nlu,risk,...,load,profile,cluster,cost,train] [--quick]`: the report (STEPS below)."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from bot.settings import get_settings
from tests.bench import (
    clocks,
    cluster_scaling,
    cost,
    encoder,
    escalation,
    feed,
    inbox,
    load,
    load_report,
    loops,
    nlu,
    paging,
    profile,
    reading,
    risk,
    targets,
    turn_cpu,
)
from tests.bench.harness import running_stack
from tests.bench.report import ROOT, Section, write_report

STEPS = ("nlu", "risk", "encoder", "escalation", "loops", "inbox", "feed", "clocks", "paging", "load", "profile",
         "turn_cpu", "cluster", "cost", "train")
STACK_STEPS = {"escalation", "load", "profile", "cost"}


def guarded(title: str, build, *args, **kwargs) -> Section:
    """The section, or one saying why it could not be built (the rest of the report is still written)."""
    try:
        return build(*args, **kwargs)
    except Exception as error:
        traceback.print_exc()
        failed = Section(title)
        failed.text(f"Not measured in this run: {type(error).__name__}: {error}")
        return failed


def in_own_environment(build, *args, **kwargs):
    """`build(...)`, then the environment and settings as they were (feed and paging point them at their own
    databases)."""
    saved = dict(os.environ)
    try:
        return build(*args, **kwargs)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--only", default=",".join(STEPS), help=f"comma-separated subset of {','.join(STEPS)}")
    parser.add_argument("--quick", action="store_true", help="fewer conversations and folds (a smoke run)")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench", help="working folder")
    parser.add_argument("--report", type=Path, default=ROOT / "BENCHMARKS.md", help="where to write the report")
    args = parser.parse_args(argv)
    args.steps = [step.strip() for step in args.only.split(",") if step.strip()]
    unknown = set(args.steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown step(s): {', '.join(sorted(unknown))}")
    return args


async def stack_sections(args: argparse.Namespace, figures: dict) -> tuple[list[Section], float | None,
                                                                          dict[str, float]]:
    """Every step that needs the running stack, on one stack: escalation, load, memory, profile."""
    sections: list[Section] = []
    workdir = args.out / "stack"
    shutil.rmtree(workdir, ignore_errors=True)  # trackers from an earlier run would change the dialogue
    levels = load.levels(args.quick)
    async with running_stack(workdir, rasa_command=profile.LAUNCHER, extra_env=profile.launcher_env(args.out)) as stack:
        print(f"stack ready in {stack.haven.ready_seconds:.1f} s", flush=True)
        expected: load.Expected | None = None
        if "escalation" in args.steps:
            results = await escalation.measure(stack, per_path=10 if args.quick else 30)
            sections.append(escalation.section(results))
            figures["escalation"] = results
        if "load" in args.steps or "profile" in args.steps:
            levels_to_run = levels if "load" in args.steps else {}
            timeout = 300.0
            results, expected = await load.run_all(stack, levels=levels_to_run, level_timeout=timeout)
            if "load" in args.steps:
                figures["load"] = results
                sections.append(load_report.section(results, expected, level_timeout=timeout))
        memory = {
            "Rasa server (`rasa run`, model, channels, console)": cost.peak_rss_mib(stack.rasa_pid),
            "action server (`python -m rasa_sdk`)": cost.peak_rss_mib(stack.action_pid),
        }
        if "profile" in args.steps and expected is not None:
            profiled = await profile.profile_paths(stack, args.out, expected, rounds=1 if args.quick else 3)
            sections.append(profile.section(profiled))
            sections.append(guarded("7. Reading the figures", reading.section, profiled, figures["load"]))
        return sections, stack.haven.ready_seconds, memory


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    sections: list[Section] = []
    figures: dict = {"nlu": {}, "load": [], "escalation": {}}
    if "nlu" in args.steps:
        print("NLU: training and testing both pipelines...", flush=True)
        sections.append(guarded("1. NLU", nlu.measure, args.out / "nlu", folds=2 if args.quick else 5,
                                figures=figures["nlu"]))
    if "risk" in args.steps:
        sections.append(guarded("2. Risk screen", risk.section))
    if "encoder" in args.steps:
        sections.append(guarded("2b. Sentence encoder and NLU cost", encoder.section, 200 if args.quick else 1000))
    if "loops" in args.steps:
        sections.append(guarded("4b. Event loops", lambda: loops.section(
            loops.measure(args.out / "loops", rounds=5 if args.quick else 20))))
    if "inbox" in args.steps:
        sections.append(guarded("4c. Durable inbox", lambda: inbox.section(
            inbox.measure(args.out / "inbox", senders=3 if args.quick else 5))))
    if "feed" in args.steps:
        sections.append(guarded("4e. Case feed throughput (issue 13)", in_own_environment, lambda: feed.section(
            asyncio.run(feed.measure(200 if args.quick else 1000, 8)), 8)))
    if "clocks" in args.steps:
        cases = 1000 if args.quick else 10_000
        sections.append(guarded("4f. Victims' Code clocks (issue 13)", lambda: clocks.section(
            cases, clocks.measure_in_temporary_database(cases))))
    if "paging" in args.steps:
        sections.append(guarded("4g. Paging (issue 13)", in_own_environment, lambda: paging.section(
            *asyncio.run(paging.measure(3 if args.quick else 10)))))
    ready_seconds, memory = None, {}
    if STACK_STEPS & set(args.steps):
        stack_results, ready_seconds, memory = asyncio.run(stack_sections(args, figures))
        sections += stack_results
    if "cost" in args.steps or "train" in args.steps:
        train = None
        if "train" in args.steps:
            try:
                train = cost.train_times(args.out)
            except Exception:
                traceback.print_exc()
        sections.append(cost.section(train=train, cold_start_s=ready_seconds, memory=memory))
    if "turn_cpu" in args.steps:  # two stacks of its own, one per jsonschema version
        turns = 50 if args.quick else 200
        sections.append(guarded("6b. CPU per turn (issue 12)", lambda: turn_cpu.section(
            asyncio.run(turn_cpu.measure(args.out, turns, turn_cpu.JSONSCHEMA4_DIR)))))
    if "cluster" in args.steps:  # clusters of its own, on PostgreSQL and Redis
        sections.append(guarded("6c. One and two Rasa instances behind nginx (issue 12)", in_own_environment,
                                lambda: cluster_scaling.section(cluster_scaling.measure(load.levels(args.quick)))))
    sections.append(guarded("0. Targets", targets.section, **figures))
    sections.sort(key=lambda section: section.title)
    write_report(sections, args.report, command=f"python -m tests.bench --only {','.join(args.steps)}"
                 + (" --quick" if args.quick else ""), elapsed_s=time.monotonic() - started)
    print(f"wrote {args.report}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
