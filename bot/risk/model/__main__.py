"""`python -m bot.risk.model train`: train the risk head on the corpus and print what was chosen."""

from __future__ import annotations

import argparse
import json
import sys

from bot.settings import PROJECT_ROOT, get_settings


def main(argv: list[str] | None = None) -> int:
    """Train into settings.risk_model_dir."""
    parser = argparse.ArgumentParser(prog="python -m bot.risk.model", description=__doc__)
    parser.add_argument("command", choices=["train"])
    parser.parse_args(argv)
    from bot.risk.model.train import train

    settings = get_settings()
    meta = train(
        corpus_dir=settings.risk_corpus_dir,
        heldout_file=PROJECT_ROOT / "tests" / "data" / "risk_heldout.yml",
        nlu_dir=PROJECT_ROOT / "data" / "nlu",
        patterns_dir=settings.risk_patterns_dir,
        encoder_dir=settings.encoder_dir,
        out_dir=settings.risk_model_dir,
    )
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
