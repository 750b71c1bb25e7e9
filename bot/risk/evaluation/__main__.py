"""`python -m bot.risk.evaluation [--split test] [--show-misses]`: the risk screen's figures, honestly split."""

from __future__ import annotations

import argparse
import sys

from bot.risk.evaluation.measure import judge_all, misses, table
from bot.risk.layered import default_layered_screen
from bot.risk.model.corpus import load_corpus, select
from bot.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    """Print tables for validation, the untouched test batches and every new batch (first run)."""
    parser = argparse.ArgumentParser(prog="python -m bot.risk.evaluation", description=__doc__)
    parser.add_argument("--show-misses", action="store_true", help="also list misses (never for tuning on test)")
    args = parser.parse_args(argv)
    settings = get_settings()
    screen = default_layered_screen()
    corpus = load_corpus(settings.risk_corpus_dir)
    if screen.head is not None:
        thresholds = screen.head.thresholds
        print(f"model: lexical weight {screen.head.mix}, escalate at {thresholds.escalate}, "
              f"watch from {thresholds.watch}\n")
    sections = [("validation batches (thresholds were chosen here: optimistic)", select(corpus, "validation")),
                ("TEST batches (untouched: the honest figure)", select(corpus, "test"))]
    sections += [(f"NEW batch {batch} (first run, before it joins training)", [e for e in corpus if e.batch == batch])
                 for batch in sorted({e.batch for e in corpus if e.split == "new"})]
    for title, examples in sections:
        if not examples:
            continue
        outcomes = judge_all(examples, screen)
        print(table(title, outcomes) + "\n")
        if args.show_misses and "TEST" not in title:
            print(misses(outcomes) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
