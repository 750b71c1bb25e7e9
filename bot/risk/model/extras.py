"""Team-written texts outside the corpus batches that may also train the model (never test it)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.risk.model.corpus import Example

LEGACY_BATCH = 0  # the first version's held-out file, pattern examples and NLU data: tuned on, training only
RISK_INTENT = "risk_disclosure"
ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def legacy_examples(heldout_file: Path, patterns_dir: Path, nlu_dir: Path | None = None) -> list[Example]:
    """The old held-out set, every pattern file's examples and the NLU training data, as training examples."""
    examples = heldout_examples(heldout_file) + pattern_examples(patterns_dir)
    return examples + (nlu_examples(nlu_dir) if nlu_dir else [])


def heldout_examples(heldout_file: Path) -> list[Example]:
    """The first version's held-out file (the patterns were tuned on it)."""
    examples: list[Example] = []
    if Path(heldout_file).is_file():
        data = yaml.safe_load(Path(heldout_file).read_text(encoding="utf-8")) or {}
        for category, texts in (data.get("escalate") or {}).items():
            examples += [Example(str(t), True, category, LEGACY_BATCH, "train") for t in texts or []]
        examples += [Example(str(t), False, None, LEGACY_BATCH, "train") for t in data.get("benign") or []]
    return examples


def pattern_examples(patterns_dir: Path) -> list[Example]:
    """Every pattern file's `examples` (all escalate with the file's category).

    `not_examples` are left out: they only must not match *that* pattern and may still be risky."""
    examples: list[Example] = []
    for path in sorted(Path(patterns_dir).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        category = data.get("category")
        if not category:
            continue
        for entry in data.get("patterns") or []:
            examples += [Example(str(t), True, category, LEGACY_BATCH, "train") for t in entry.get("examples") or []]
    return examples


def nlu_examples(nlu_dir: Path) -> list[Example]:
    """Haven's NLU training examples: everyday traffic (greetings, areas, opt-outs) is benign, risk_disclosure
    escalates (no category: it trains the escalate/benign part only). The NLU held-out set is not used."""
    examples: list[Example] = []
    for path in sorted(Path(nlu_dir).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            intent = block.get("intent")
            for line in str(block.get("examples") or "").splitlines() if intent else []:
                text = ENTITY_MARKUP.sub(r"\1", line.strip()[2:].strip()) if line.strip().startswith("- ") else ""
                if text:
                    examples.append(Example(text, intent == RISK_INTENT, None, LEGACY_BATCH, "train"))
    return examples
