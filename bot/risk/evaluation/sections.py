"""The sets the risk screen is measured on, each named for how much its figure can be trusted."""

from __future__ import annotations

from dataclasses import dataclass

from bot.risk.model.corpus import Example, load_corpus, select
from bot.risk.model.extras import heldout_examples
from bot.settings import PROJECT_ROOT, get_settings

LEGACY_HELDOUT = PROJECT_ROOT / "tests" / "data" / "risk_heldout.yml"


@dataclass(frozen=True)
class EvaluationSet:
    """Examples, a title saying what the figure means, and whether its texts may be read for tuning."""

    title: str
    examples: list[Example]
    may_be_read: bool


def evaluation_sets() -> list[EvaluationSet]:
    """Validation (optimistic), TEST (honest), every NEW batch (first run), the legacy held-out file (tuned on)."""
    corpus = load_corpus(get_settings().risk_corpus_dir)
    sets = [
        EvaluationSet("TEST batches (never used for any choice: the honest figure)", select(corpus, "test"), False),
        EvaluationSet("validation batches (thresholds and mix chosen here: optimistic)",
                      select(corpus, "validation"), True),
    ]
    for batch in sorted({example.batch for example in corpus if example.split == "new"}):
        sets.append(EvaluationSet(f"NEW batch {batch} (first run: record it before it joins training)",
                                  [example for example in corpus if example.batch == batch], False))
    sets.append(EvaluationSet("legacy held-out file (patterns tuned on it, model trained on it: not evidence)",
                              heldout_examples(LEGACY_HELDOUT), True))
    return [evaluation_set for evaluation_set in sets if evaluation_set.examples]
