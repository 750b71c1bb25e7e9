"""The evaluation: Wilson intervals, the keyword baseline, and tables over a small corpus of our own."""

from __future__ import annotations

from bot.risk.evaluation.measure import Outcome, false_rate, recall, table
from bot.risk.evaluation.stats import Proportion, keyword_baseline
from bot.risk.model.corpus import Example, load_corpus, select


def test_wilson_interval_brackets_the_proportion() -> None:
    figure = Proportion(95, 100)
    low, high = figure.interval
    assert low < 0.95 < high
    assert round(low, 3) == 0.888 and round(high, 3) == 0.978
    assert "0.950" in str(figure) and "(95/100)" in str(figure)


def test_keyword_baseline_matches_substrings() -> None:
    assert keyword_baseline("he KILLED the mood")
    assert not keyword_baseline("any news on my case")


def _outcome(text: str, escalate: bool, category: str | None, **screens: bool) -> Outcome:
    example = Example(text, escalate, category, 99, "test")
    return Outcome(example, {name: screens.get(name, False) for name in
                             ("patterns", "model", "combined", "combined+watch", "keywords")})


def test_table_counts_recall_and_false_escalations_per_screen() -> None:
    outcomes = [
        _outcome("he hit me", True, "domestic_abuse", patterns=True, combined=True),
        _outcome("i have the pills", True, "self_harm", model=True, combined=True),
        _outcome("hello", False, None, keywords=True),
    ]
    assert recall(outcomes, "combined").value == 1.0
    assert recall(outcomes, "patterns").value == 0.5
    assert false_rate(outcomes, "keywords").value == 1.0
    printed = table("mini", outcomes)
    assert "## mini" in printed and "self_harm" in printed and "1.000" in printed


def test_corpus_split_is_by_batch_and_test_batches_stay_out_of_training(tmp_path) -> None:
    (tmp_path / "splits.yml").write_text("train: [1]\nvalidation: [2]\ntest: [3]\n", encoding="utf-8")
    for batch in (1, 2, 3, 4):
        (tmp_path / f"batch_0{batch}.yml").write_text(
            f"batch: {batch}\nescalate:\n  self_harm: ['text {batch}']\nbenign: ['fine {batch}']\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert {e.batch for e in select(corpus, "train")} == {1}
    assert {e.batch for e in select(corpus, "test")} == {3}
    assert {e.batch for e in select(corpus, "new")} == {4}
    assert all(e.escalate == (e.category == "self_harm") for e in corpus)


def test_the_real_corpus_is_large_enough_and_covers_every_category() -> None:
    from bot.settings import get_settings

    corpus = load_corpus(get_settings().risk_corpus_dir)
    risky = [e for e in corpus if e.escalate]
    assert len(corpus) >= 6000
    assert len(risky) >= 3000 and len(corpus) - len(risky) >= 3000
    assert len({e.category for e in risky}) == 11
    assert select(corpus, "test") and select(corpus, "validation")
    assert not {e.batch for e in select(corpus, "train")} & {e.batch for e in select(corpus, "test")}
