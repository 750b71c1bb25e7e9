"""The evaluation script: held-out set shape, measures, and Haven beating the keyword baseline."""

from __future__ import annotations

from bot.risk.evaluate import DEFAULT_HELDOUT, Sample, keyword_baseline, load_samples, main, measure


def test_heldout_set_is_large_and_mixed() -> None:
    samples = load_samples(DEFAULT_HELDOUT)
    assert len(samples) >= 250
    assert sum(sample.escalate for sample in samples) >= 100
    assert sum(not sample.escalate for sample in samples) >= 100


def test_measure_counts_recall_and_false_escalations() -> None:
    samples = [Sample("he hit me", True, "domestic_abuse"), Sample("hello", False, None), Sample("help", False, None)]
    figures = measure(samples, keyword_baseline)
    assert figures["recall"] == 1.0
    assert figures["false_rate"] == 0.5
    assert figures["per_category"] == {"domestic_abuse": 1.0}


def test_main_prints_the_comparison_table(tmp_path, capsys) -> None:
    heldout = tmp_path / "mini.yml"
    heldout.write_text("escalate:\n  self_harm: ['i want to die']\nbenign: ['my phone died']\n", encoding="utf-8")
    assert main([str(heldout)]) == 0
    table = capsys.readouterr().out
    assert "recall (needs escalation)" in table and "keywords" in table
    assert "1.000" in table
