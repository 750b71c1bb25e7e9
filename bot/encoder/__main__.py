"""`python -m bot.encoder build|verify`: compile the pinned sentence encoder, or re-check it."""

from __future__ import annotations

import argparse
import json
import sys

from bot.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    """Build or verify the encoder in settings.encoder_dir."""
    parser = argparse.ArgumentParser(prog="python -m bot.encoder", description=__doc__)
    parser.add_argument("command", choices=["build", "verify"])
    args = parser.parse_args(argv)
    directory = get_settings().encoder_dir
    if args.command == "build":
        from bot.encoder.build import build_encoder

        print(json.dumps(build_encoder(directory), indent=2))
    else:
        from bot.encoder.build import verify_encoder

        print(verify_encoder(directory))
    return 0


if __name__ == "__main__":
    sys.exit(main())
