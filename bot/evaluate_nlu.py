"""Measure intent recognition on the held-out NLU set: accuracy, macro-F1 and the worst confusions."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bot.settings import PROJECT_ROOT

DEFAULT_MODEL = PROJECT_ROOT / "models" / "haven.tar.gz"
DEFAULT_TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu_heldout.yml"
DEFAULT_OUT = PROJECT_ROOT / "results" / "nlu"
SUMMARY_ROWS = frozenset({"macro avg", "weighted avg", "micro avg", "accuracy"})


def run_rasa_test(*, model: Path, nlu: Path, out: Path) -> None:
    """Run `rasa test nlu` on the held-out set; raises if Rasa fails."""
    command = [sys.executable, "-m", "rasa", "test", "nlu", "--nlu", str(nlu), "--model", str(model), "--out", str(out)]
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"rasa test nlu failed with exit code {result.returncode}")


def confusion_pairs(errors: list[dict]) -> list[tuple[str, str, int]]:
    """(expected, predicted, count) for every wrong prediction, most frequent first."""
    counts = Counter(
        (error["intent"], (error.get("intent_prediction") or {}).get("name") or "None") for error in errors
    )
    return [(expected, predicted, count) for (expected, predicted), count in counts.most_common()]


def summarise(out: Path, *, top: int = 10) -> str:
    """A short plain-text summary of Rasa's intent report in `out`."""
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    errors_file = out / "intent_errors.json"
    errors = json.loads(errors_file.read_text(encoding="utf-8")) if errors_file.exists() else []
    macro = report["macro avg"]
    total = int(report["weighted avg"]["support"])
    lines = [
        f"held-out examples: {total}",
        f"intent accuracy:   {report['accuracy']:.3f}",
        f"intent macro-F1:   {macro['f1-score']:.3f}",
        f"wrong predictions: {len(errors)}",
    ]
    pairs = confusion_pairs(errors)[:top]
    if pairs:
        lines.append("worst confusions (expected -> predicted: count):")
        lines += [f"  {expected} -> {predicted}: {count}" for expected, predicted, count in pairs]
    per_intent = [
        (name, values["f1-score"])
        for name, values in report.items()
        if isinstance(values, dict) and "f1-score" in values and name not in SUMMARY_ROWS
    ]
    low = [f"{name} {f1:.2f}" for name, f1 in sorted(per_intent, key=lambda item: item[1])[:5] if f1 < 1.0]
    if low:
        lines.append("lowest per-intent F1: " + ", ".join(low))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: `python -m bot.evaluate_nlu [MODEL] [--nlu FILE] [--out DIR] [--no-run]`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", nargs="?", type=Path, default=DEFAULT_MODEL, help="trained model (.tar.gz)")
    parser.add_argument("--model", dest="model_option", type=Path, help="same as the positional MODEL")
    parser.add_argument("--nlu", type=Path, default=DEFAULT_TEST_SET, help="held-out NLU file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where Rasa writes its reports")
    parser.add_argument("--no-run", action="store_true", help="only summarise reports already in --out")
    args = parser.parse_args(argv)
    model = args.model_option or args.model
    if not args.no_run:
        if not model.exists():
            print(f"model not found: {model} (train first)", file=sys.stderr)
            return 2
        run_rasa_test(model=model, nlu=args.nlu, out=args.out)
    print(summarise(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
