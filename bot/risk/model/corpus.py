"""Read the risk corpus (data/risk_corpus/batch_NN.yml) and its batch-level train/validation/test split."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

SPLITS_FILE = "splits.yml"
BATCH_FILE = re.compile(r"batch_(\d+)\.yml$")
SPLITS = ("train", "validation", "test", "new")


@dataclass(frozen=True)
class Example:
    """One message: whether it must reach a person, its category if so, and where it came from."""

    text: str
    escalate: bool
    category: str | None
    batch: int
    split: str


def load_split_plan(directory: Path) -> dict[int, str]:
    """batch number -> split name, from splits.yml."""
    with (directory / SPLITS_FILE).open(encoding="utf-8") as handle:
        plan = yaml.safe_load(handle) or {}
    return {int(batch): split for split in ("train", "validation", "test") for batch in plan.get(split) or []}


def read_batch(path: Path, batch: int, split: str) -> list[Example]:
    """The examples of one batch file (escalate: {category: [text]}, benign: [text])."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    examples = [
        Example(text=str(text), escalate=True, category=category, batch=batch, split=split)
        for category, texts in (data.get("escalate") or {}).items()
        for text in texts or []
    ]
    examples += [
        Example(text=str(text), escalate=False, category=None, batch=batch, split=split)
        for text in data.get("benign") or []
    ]
    return examples


def load_corpus(directory: Path) -> list[Example]:
    """Every example of every batch, tagged with its batch's split (`new` if the plan does not name it)."""
    directory = Path(directory)
    plan = load_split_plan(directory)
    examples: list[Example] = []
    for path in sorted(directory.glob("batch_*.yml")):
        match = BATCH_FILE.search(path.name)
        if match:
            batch = int(match.group(1))
            examples += read_batch(path, batch, plan.get(batch, "new"))
    return examples


def select(examples: list[Example], *splits: str) -> list[Example]:
    """The examples whose split is one of `splits`."""
    return [example for example in examples if example.split in splits]
