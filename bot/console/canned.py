"""Canned responses for staff replies, read from canned_responses.yml beside this module."""

from __future__ import annotations

from pathlib import Path

import yaml

CANNED_FILE = Path(__file__).resolve().parent / "canned_responses.yml"


def canned_responses(path: Path = CANNED_FILE) -> list[dict[str, str]]:
    """The canned responses as [{"title", "text"}]; entries without both are skipped."""
    with path.open(encoding="utf-8") as handle:
        entries = yaml.safe_load(handle) or []
    return [
        {"title": str(entry["title"]), "text": str(entry["text"])}
        for entry in entries
        if isinstance(entry, dict) and entry.get("title") and entry.get("text")
    ]
