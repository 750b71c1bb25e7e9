"""Cost figures: `rasa train` cold and cached, cold start to ready, peak memory per process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.report import ROOT, Section

RASA = str(Path(sys.executable).parent / "rasa")


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory (VmHWM) of a live process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def train_times(out: Path) -> tuple[float, float]:
    """Seconds for a full `rasa train` with an empty cache, then again with the cache warm."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, RASA_CACHE_DIRECTORY=cache)
        times = []
        for run in ("cold", "cached"):
            started = time.perf_counter()
            subprocess.run(
                [RASA, "train", "--out", str(out / f"train-{run}"), "--fixed-model-name", run],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - started)
    return times[0], times[1]


def section(*, train: tuple[float, float] | None, cold_start_s: float | None, memory: dict[str, float]) -> Section:
    """The cost table (parts not measured in this run are left out)."""
    result = Section("5. Cost: memory, start-up and training")
    if memory:
        rows = [[name, f"{mib:.0f} MiB"] for name, mib in memory.items()]
        result.table(["process (peak RSS, VmHWM, after the escalation and load runs)", "peak memory"], rows)
    rows = []
    if cold_start_s is not None:
        rows.append(
            [
                "cold start to ready (`rasa run` started -> first 200 on `/`: model load, channels)",
                f"{cold_start_s:.1f}",
            ]
        )
    if train is not None:
        rows += [
            ["`rasa train` with an empty cache", f"{train[0]:.1f}"],
            ["`rasa train` again, cache warm (nothing changed)", f"{train[1]:.1f}"],
        ]
    if rows:
        result.table(["what", "seconds"], rows)
    result.commands(
        "rasa train --out results/bench/train-{cold,cached} (RASA_CACHE_DIRECTORY=<empty temp dir>), "
        "twice; /proc/<pid>/status VmHWM"
    )
    return result
