"""`python -m bot.risk.evaluation [--show-misses]`: the risk screen's figures, honestly split by batch."""

from __future__ import annotations

import argparse
import sys

from bot.risk.evaluation.measure import judge_all, misses, table
from bot.risk.evaluation.sections import evaluation_sets
from bot.risk.layered import default_layered_screen


def main(argv: list[str] | None = None) -> int:
    """Print a table per evaluation set: validation, the untouched test batches, new batches, legacy."""
    parser = argparse.ArgumentParser(prog="python -m bot.risk.evaluation", description=__doc__)
    parser.add_argument("--show-misses", action="store_true", help="also list misses (never on test batches)")
    args = parser.parse_args(argv)
    screen = default_layered_screen()
    if screen.head is not None:
        thresholds = screen.head.thresholds
        print(f"model: lexical weight {screen.head.mix}, escalate at {thresholds.escalate}, "
              f"watch from {thresholds.watch}\n")
    for evaluation_set in evaluation_sets():
        outcomes = judge_all(evaluation_set.examples, screen)
        print(table(evaluation_set.title, outcomes) + "\n")
        if args.show_misses and evaluation_set.may_be_read:
            print(misses(outcomes) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
