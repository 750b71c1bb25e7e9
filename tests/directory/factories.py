"""Test data for the directory: the real file's path and a valid agency record to vary."""

from __future__ import annotations

from bot.settings import PROJECT_ROOT

AGENCIES_FILE = PROJECT_ROOT / "data" / "directory" / "agencies.yml"


def agency(slug: str, **fields: object) -> dict:
    """A valid local agency record for tests, overridden by `fields`."""
    record: dict = {
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "summary": f"Test agency {slug}.",
        "sample": True,
        "needs": ["general"],
        "areas": ["Fenchester City"],
        "phone": "01632 960999",
        "opening_hours": {"always": True},
    }
    record.update(fields)
    return record
