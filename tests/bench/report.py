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
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)  # noqa: S603,S607
    return (f"{cpu}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, commit {commit.stdout.strip() or 'unknown'}")


def write_report(sections: list[Section], path: Path) -> None:
    """Write BENCHMARKS.md with the date, the machine and every section."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = ["# Haven benchmarks", "", f"Measured {now} on {machine_description()}.", "",
              "Written by `make bench` (`python -m tests.bench`); every figure is beside its baseline, "
              "measured in the same run. Loopback only; all loads are bounded in count and time.", ""]
    path.write_text("\n".join(header + [section.render() for section in sections]) + "\n")
