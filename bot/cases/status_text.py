"""Plain-words explanations of each case status and the Victims' Code right to updates (texts in YAML)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.models.cases import CASE_STATUSES

STATUS_TEXTS_FILE = Path(__file__).with_name("status_texts.yml")


@dataclass(frozen=True)
class StatusText:
    """What a status is called, what it means, and what happens next."""

    label: str
    meaning: str
    next_steps: str


@lru_cache(maxsize=1)
def _texts() -> dict:
    """The YAML file, read on first use."""
    with STATUS_TEXTS_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def status_text(status: str) -> StatusText:
    """The wording for `status`; an unknown status raises KeyError (never invent a status)."""
    if status not in CASE_STATUSES:
        raise KeyError(f"unknown case status: {status}")
    entry = _texts()["statuses"][status]
    return StatusText(label=entry["label"], meaning=entry["meaning"], next_steps=entry["next"])


def entitlement_text(*, enhanced: bool) -> str:
    """The Victims' Code sentence on how soon the victim must be told about key decisions."""
    return _texts()["entitlement"]["enhanced" if enhanced else "standard"]
