"""Run every screen (patterns, model, combined, keywords) over labelled examples and tabulate the results."""

from __future__ import annotations

from dataclasses import dataclass

from bot.risk.evaluation.stats import Proportion, keyword_baseline
from bot.risk.layered import LayeredScreen
from bot.risk.model.corpus import Example

SCREENS = ("patterns", "model", "combined", "combined+watch", "keywords")
LAYERS = ("patterns", "model", "combined")


@dataclass(frozen=True)
class Outcome:
    """Which screens escalated one example."""

    example: Example
    escalated: dict[str, bool]


def judge_all(examples: list[Example], screen: LayeredScreen) -> list[Outcome]:
    """Each example through each screen (the encoder runs once per example)."""
    outcomes = []
    for example in examples:
        patterns = screen.patterns_only(example.text)
        combined = screen.screen(example.text)
        model = combined.score is not None and screen.head is not None and \
            combined.score >= screen.head.thresholds.escalate
        outcomes.append(Outcome(example, {
            "patterns": patterns.escalate,
            "model": bool(model),
            "combined": combined.escalate,
            "combined+watch": combined.escalate or combined.effective_band == "uncertain",
            "keywords": keyword_baseline(example.text),
        }))
    return outcomes


def recall(outcomes: list[Outcome], name: str, category: str | None = None) -> Proportion:
    risky = [o for o in outcomes if o.example.escalate and (category is None or o.example.category == category)]
    return Proportion(sum(o.escalated[name] for o in risky), len(risky))


def false_rate(outcomes: list[Outcome], name: str) -> Proportion:
    benign = [o for o in outcomes if not o.example.escalate]
    return Proportion(sum(o.escalated[name] for o in benign), len(benign))


def table(title: str, outcomes: list[Outcome]) -> str:
    """Overall recall and false escalations for every screen, then recall per category."""
    lines = [f"## {title}", "", f"{'screen':<16}{'recall':<34}false escalations"]
    for name in SCREENS:
        lines.append(f"{name:<16}{recall(outcomes, name)!s:<34}{false_rate(outcomes, name)}")
    categories = sorted({o.example.category for o in outcomes if o.example.escalate})
    lines += ["", f"{'recall by category':<22}" + "".join(f"{name:<16}" for name in LAYERS)]
    for category in categories:
        cells = "".join(f"{recall(outcomes, name, category).value:<16.3f}" for name in LAYERS)
        lines.append(f"{category:<22}{cells}  n={recall(outcomes, 'combined', category).total}")
    return "\n".join(lines)


def misses(outcomes: list[Outcome], limit: int = 15) -> str:
    """Some messages the combined screen missed, and some it escalated wrongly (for reading, not tuning)."""
    missed = [o.example.text for o in outcomes if o.example.escalate and not o.escalated["combined+watch"]]
    wrong = [o.example.text for o in outcomes if not o.example.escalate and o.escalated["combined"]]
    lines = [f"missed even by the watch band ({len(missed)}):"] + [f"  - {t[:160]}" for t in missed[:limit]]
    lines += [f"escalated but benign ({len(wrong)}):"] + [f"  - {t[:160]}" for t in wrong[:limit]]
    return "\n".join(lines)
