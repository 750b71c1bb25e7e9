"""Risk screen figures: bot/risk/evaluate.py's measure on the held-out set, Haven beside the keyword list."""

from __future__ import annotations

from bot.risk.evaluate import BASELINE_KEYWORDS, DEFAULT_HELDOUT, haven_screen, keyword_baseline, load_samples, measure
from tests.bench.report import Section


def section() -> Section:
    """Recall and false-escalation rate, overall and per category."""
    samples = load_samples(DEFAULT_HELDOUT)
    haven, baseline = measure(samples, haven_screen), measure(samples, keyword_baseline)
    risky, benign = haven["counts"]
    result = Section("2. Risk screen: recall and false escalations on the held-out set")
    result.text(f"Held-out set `tests/data/risk_heldout.yml`: {risky} messages that need escalation, "
                f"{benign} benign ones. Baseline: any of {len(BASELINE_KEYWORDS)} naive keywords as a substring.")
    rows = [
        ["recall (needs escalation)", f"{haven['recall']:.3f}", f"{baseline['recall']:.3f}"],
        ["false escalation rate (benign)", f"{haven['false_rate']:.3f}", f"{baseline['false_rate']:.3f}"],
        ["category agreement (of escalated)", f"{haven['category_agreement']:.3f}", "-"],
    ]
    rows += [[f"recall: {name}", f"{value:.3f}", f"{baseline['per_category'].get(name, float('nan')):.3f}"]
             for name, value in haven["per_category"].items()]
    result.table(["measure", "Haven risk screen", "keyword baseline"], rows)
    missed = haven["missed"]
    result.text(f"Missed by Haven: {len(missed)}; false escalations by Haven: {len(haven['false_escalations'])} "
                "(texts not repeated here; run the command to see them).")
    result.commands("python -m bot.risk.evaluate tests/data/risk_heldout.yml")
    return result

