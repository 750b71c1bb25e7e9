"""Markdown sections and the machine description for BENCHMARKS.md."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Section:
    """One titled part of the report: text, tables and the commands that produced it."""

    title: str
    lines: list[str] = field(default_factory=list)

    def text(self, paragraph: str) -> None:
        self.lines += [paragraph, ""]

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self.lines.append("| " + " | ".join(header) + " |")
        self.lines.append("|" + "---|" * len(header))
        self.lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
        self.lines.append("")

    def commands(self, command: str) -> None:
        self.lines += [f"Command: `{command}`", ""]

    def render(self) -> str:
        return "\n".join([f"## {self.title}", "", *self.lines])


def machine_description() -> str:
    """CPU, cores, memory, OS and Python, as measured now."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory_kb = int(meminfo.read_text().split()[1])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, commit {commit.stdout.strip() or 'unknown'}"
    )


def load_average() -> str:
    """The 1/5/15-minute load averages (the machine may be shared)."""
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def write_report(
    sections: list[Section],
    path: Path,
    *,
    command: str = "python -m tests.bench",
    elapsed_s: float | None = None,
    notes: list[str] | None = None,
) -> None:
    """Write BENCHMARKS.md with the date, the machine, the command and every section."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    took = f" in {elapsed_s / 60:.0f} min" if elapsed_s is not None else ""
    header = [
        "# Haven benchmarks",
        "",
        f"Measured {now}{took} on {machine_description()}.",
        "",
        f"Command: `{command}` (`make bench` runs it in full). Every figure is beside its baseline, "
        "measured in the same run. Loopback only; all loads are bounded in count and time. "
        f"Load average (1/5/15 min) when the report was written: {load_average()}.",
        "",
        *[line for note in (notes or []) for line in (note, "")],
    ]
    path.write_text("\n".join(header + [section.render() for section in sections]) + "\n")
