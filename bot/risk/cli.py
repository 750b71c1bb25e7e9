"""`python -m bot risk`: screen one message per stdin line, write one JSON object per line."""

from __future__ import annotations

import json
import sys
from typing import TextIO


def screen_lines(lines: TextIO, out: TextIO) -> int:
    """Screen each non-empty line of `lines`, writing JSON lines to `out`; returns the count."""
    from bot.risk.layered import default_layered_screen

    screen = default_layered_screen().screen
    count = 0
    for line in lines:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        record = {"text": text, **screen(text).to_dict()}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    """Entry point for `python -m bot risk` (no arguments)."""
    args = list(argv or [])
    if args and args[0] in {"-h", "--help"}:
        print("usage: python -m bot risk < messages.txt  (one message per line; JSON lines out)")
        return 0
    if args:
        print("bot risk takes no arguments; pipe messages on stdin", file=sys.stderr)
        return 2
    screen_lines(sys.stdin, sys.stdout)
    return 0
