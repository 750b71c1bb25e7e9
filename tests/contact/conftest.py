"""Fixtures for the safe-contact tests."""

from __future__ import annotations

import pytest

from bot.settings import get_settings


@pytest.fixture
def default_quiet_hours(monkeypatch):
    """Quiet hours as shipped (21:00-08:00), in Haven's default time zone."""
    monkeypatch.delenv("HAVEN_QUIET_HOURS", raising=False)
    monkeypatch.delenv("HAVEN_TIMEZONE", raising=False)
    get_settings.cache_clear()
