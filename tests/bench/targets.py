"""The summary at the top of BENCHMARKS.md: each target of issue 5 beside the figure measured for it."""

from __future__ import annotations

import math

from tests.bench.clients import PATH_NAMES
from tests.bench.load import LevelResult
from tests.bench.report import Section
from tests.bench.stats import ms, percentile

HAVEN_PATHS = PATH_NAMES[1:]


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "**missed**")


def _level(results: list[LevelResult], path: str, concurrency: int) -> LevelResult | None:
    return next((r for r in results if r.path == path and r.concurrency == concurrency), None)


def section(*, nlu: dict, load: list[LevelResult], escalation: dict[str, list[float | None]]) -> Section:
    """One row per target: what was asked, what was measured, met or missed."""
    rows = []
    for concurrency in sorted({r.concurrency for r in load}):
        base = _level(load, PATH_NAMES[0], concurrency)
        for path in HAVEN_PATHS:
            level = _level(load, path, concurrency)
            if base is None or level is None:
                continue
            value = percentile(level.latencies, 50) / percentile(base.latencies, 50)
            rows.append([f"per-turn time, Haven path / plain REST at {concurrency} concurrent (p50)", "<= 1.20x",
                         f"{path}: {value:.2f}x", _verdict(None if math.isnan(value) else value <= 1.2)])
    for path in PATH_NAMES:
        level = _level(load, path, 10)
        if level is not None:
            p95 = percentile(level.latencies, 95)
            rows.append(["p95 per turn at 10 concurrent", "<= 150 ms", f"{path}: {ms(p95)}",
                         _verdict(None if math.isnan(p95) else p95 <= 0.150)])
    for path in PATH_NAMES:
        level = _level(load, path, 50)
        if level is not None:
            clean = level.errors == 0 and level.lost == 0 and level.unfinished == 0
            rows.append(["no errors, no lost messages at 50 concurrent", "0 / 0",
                         f"{path}: {level.errors} errors, {level.lost} lost, {level.unfinished} unfinished",
                         _verdict(clean)])
    for path, times in escalation.items():
        seen = [value for value in times if value is not None]
        p95 = percentile(seen, 95)
        ok = None if not times else (len(seen) == len(times) and p95 <= 1.0)
        rows.append([f"escalation p95 ({path})", "<= 1 s", ms(p95), _verdict(ok)])
    haven, default = nlu.get("haven heldout macro F1"), nlu.get("default heldout macro F1")
    if haven is not None:
        rows.append(["intent macro-F1, held-out set", ">= 0.95 and ahead of Rasa's default",
                     f"{haven:.3f} (Rasa default {default:.3f})", _verdict(haven >= 0.95 and haven > default)])
    result = Section("0. Targets (issue 5) and how this run did")
    result.table(["target", "asked", "measured", "verdict"], rows or [["(no target measured in this run)", "", "", ""]])
    return result
