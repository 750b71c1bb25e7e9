"""Every national directory entry says where and when it was last checked, and a stale check fails here."""

from __future__ import annotations

from datetime import date

import pytest

from bot.directory.freshness import oldest_allowed, stale_entries
from bot.directory.schema import load_directory
from bot.settings import get_settings
from tests.directory.factories import AGENCIES_FILE


def test_every_national_entry_was_verified_recently_enough():
    records = load_directory(AGENCIES_FILE)
    max_age = get_settings().directory_max_age_months
    stale = stale_entries(records, today=date.today(), max_age_months=max_age)
    assert stale == [], "check these entries again and update verified.checked:\n" + "\n".join(
        f"  {entry.slug}: {entry.reason}" for entry in stale
    )


def test_every_verification_names_the_page_that_was_checked():
    for record in load_directory(AGENCIES_FILE):
        if record["national"]:
            assert record["verified"]["source"].startswith(("https://", "http://")), record["slug"]


def national(slug: str, checked: date | None) -> dict:
    return {"slug": slug, "national": True, "verified": None if checked is None else {"checked": checked}}


@pytest.mark.parametrize(
    ("checked", "stale"),
    [
        (date(2026, 12, 1), False),
        (date(2025, 12, 1), False),  # exactly 12 months old on the day
        (date(2025, 11, 30), True),
        (None, True),
        (date(2027, 1, 1), True),  # a date in the future is a typing mistake
    ],
)
def test_a_missing_or_old_verification_is_flagged(checked, stale):
    found = stale_entries([national("x", checked)], today=date(2026, 12, 1), max_age_months=12)
    assert bool(found) is stale


def test_local_sample_entries_need_no_verification():
    assert stale_entries([{"slug": "local", "national": False}], today=date(2026, 12, 1), max_age_months=12) == []


def test_the_allowed_age_comes_from_settings(monkeypatch):
    monkeypatch.setenv("HAVEN_DIRECTORY_MAX_AGE_MONTHS", "6")
    get_settings.cache_clear()
    try:
        assert get_settings().directory_max_age_months == 6
        assert oldest_allowed(date(2026, 12, 1), 6) == date(2026, 6, 1)
    finally:
        get_settings.cache_clear()
