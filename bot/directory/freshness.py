"""Which national directory entries were never checked, or were last checked too long ago."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class StaleEntry:
    """A national agency whose details need checking again, and why."""

    slug: str
    reason: str


def oldest_allowed(today: date, max_age_months: int) -> date:
    """The earliest verification date still accepted on `today`."""
    return today - relativedelta(months=max_age_months)


def stale_entries(records: list[dict[str, Any]], *, today: date, max_age_months: int) -> list[StaleEntry]:
    """National records (from bot.directory.schema.load_directory) with no `verified.checked`, or one too old."""
    cutoff = oldest_allowed(today, max_age_months)
    stale: list[StaleEntry] = []
    for record in records:
        if not record.get("national"):
            continue
        checked_on = (record.get("verified") or {}).get("checked")
        if checked_on is None:
            stale.append(StaleEntry(record["slug"], "never verified: add verified: {checked, source}"))
        elif checked_on < cutoff:
            stale.append(StaleEntry(record["slug"], f"last verified {checked_on}, before {cutoff}"))
        elif checked_on > today:
            stale.append(StaleEntry(record["slug"], f"verified date {checked_on} is in the future"))
    return stale
