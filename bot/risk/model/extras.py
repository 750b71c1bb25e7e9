"""Team-written risk texts outside the corpus batches that may also train the model (never test it)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.risk.model.corpus import Example

LEGACY_BATCH = 0  # the first version's held-out file and pattern examples: tuned on, so training only


def legacy_examples(heldout_file: Path, patterns_dir: Path) -> list[Example]:
    """The old held-out set and every pattern file's examples, as training examples.

    Pattern `not_examples` are left out: they only must not match *that* pattern and may still be risky."""
    examples: list[Example] = []
    if heldout_file.is_file():
        data = yaml.safe_load(heldout_file.read_text(encoding="utf-8")) or {}
        for category, texts in (data.get("escalate") or {}).items():
            examples += [Example(str(t), True, category, LEGACY_BATCH, "train") for t in texts or []]
        examples += [Example(str(t), False, None, LEGACY_BATCH, "train") for t in data.get("benign") or []]
    for path in sorted(Path(patterns_dir).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        category = data.get("category")
        if not category:
            continue
        for entry in data.get("patterns") or []:
            examples += [Example(str(t), True, category, LEGACY_BATCH, "train") for t in entry.get("examples") or []]
    return examples
