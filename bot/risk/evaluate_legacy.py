"""Measure the risk screen on a held-out set against a naive keyword baseline: `python -m bot.risk.evaluate [FILE]`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

DEFAULT_HELDOUT = PROJECT_ROOT / "tests" / "data" / "risk_heldout.yml"
BASELINE_KEYWORDS = (
    "kill", "hurt", "rape", "knife", "die", "suicide", "stab", "gun", "hit", "beat", "abuse", "danger",
    "threat", "strangle", "choke", "follow", "stalk", "force", "marry", "traffic", "passport", "scared",
    "afraid", "help", "attack", "punch", "weapon", "violent", "dead", "touch", "self harm", "safe",
)  # fmt: skip


@dataclass(frozen=True)
class Sample:
    """One held-out message with its expected label."""

    text: str
    escalate: bool
    category: str | None


def load_samples(path: Path) -> list[Sample]:
    """The held-out set: `escalate: {category: [texts]}` and `benign: [texts]`."""
    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    samples = [
        Sample(str(text), True, category) for category, texts in (data.get("escalate") or {}).items() for text in texts
    ]
    samples += [Sample(str(text), False, None) for text in data.get("benign") or []]
    return samples


def keyword_baseline(text: str) -> tuple[bool, str | None]:
    """The naive screen: any keyword as a substring of the lower-cased text escalates."""
    lowered = text.lower()
    return any(keyword in lowered for keyword in BASELINE_KEYWORDS), None


def haven_screen(text: str) -> tuple[bool, str | None]:
    """Haven's risk screen as (escalate, category)."""
    from bot.risk import screen

    result = screen(text)
    return result.escalate, result.category


def measure(samples: list[Sample], screen: Callable[[str], tuple[bool, str | None]]) -> dict:
    """Recall on messages needing escalation, false-escalation rate on benign ones, per-category recall."""
    verdicts = [(sample, *screen(sample.text)) for sample in samples]
    risky = [(s, e, c) for s, e, c in verdicts if s.escalate]
    benign = [(s, e, c) for s, e, c in verdicts if not s.escalate]
    per_category: dict[str, tuple[int, int]] = {}
    for sample, escalated, _category in risky:
        hit, total = per_category.get(sample.category or "?", (0, 0))
        per_category[sample.category or "?"] = (hit + int(escalated), total + 1)
    return {
        "recall": sum(e for _s, e, _c in risky) / max(len(risky), 1),
        "false_rate": sum(e for _s, e, _c in benign) / max(len(benign), 1),
        "category_agreement": sum(c == s.category for s, e, c in risky if e) / max(sum(e for _, e, _ in risky), 1),
        "per_category": {name: hit / total for name, (hit, total) in sorted(per_category.items())},
        "missed": [s.text for s, e, _c in risky if not e],
        "false_escalations": [s.text for s, e, _c in benign if e],
        "counts": (len(risky), len(benign)),
    }


def report(haven: dict, baseline: dict) -> str:
    """The comparison table."""
    risky, benign = haven["counts"]
    lines = [f"held-out: {risky} messages needing escalation, {benign} benign", ""]
    lines.append(f"{'measure':<34}{'haven':>10}{'keywords':>10}")
    lines.append(f"{'recall (needs escalation)':<34}{haven['recall']:>10.3f}{baseline['recall']:>10.3f}")
    lines.append(f"{'false escalations (benign)':<34}{haven['false_rate']:>10.3f}{baseline['false_rate']:>10.3f}")
    lines.append(f"{'category agreement (escalated)':<34}{haven['category_agreement']:>10.3f}{'-':>10}")
    for name, value in haven["per_category"].items():
        lines.append(f"{'  recall ' + name:<34}{value:>10.3f}{baseline['per_category'][name]:>10.3f}")
    lines += ["", "missed by haven:"] + [f"  - {text}" for text in haven["missed"]]
    lines += ["false escalations by haven:"] + [f"  - {text}" for text in haven["false_escalations"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table for the held-out file (default tests/data/risk_heldout.yml)."""
    args = list(sys.argv[1:] if argv is None else argv)
    samples = load_samples(Path(args[0]) if args else DEFAULT_HELDOUT)
    print(report(measure(samples, haven_screen), measure(samples, keyword_baseline)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
