"""Secrets are hashed with argon2's recommended profile in production; the cheap test profile never serves."""

from __future__ import annotations

import os

import pytest
from argon2 import PasswordHasher, profiles

from bot.cases.hashing import hash_secret, secret_matches
from bot.settings import Settings, SettingsError


@pytest.fixture(name="environment")
def clean_environment(monkeypatch):
    """An environment without Haven's variables; the test sets what it needs."""
    for name in [name for name in os.environ if name.startswith("HAVEN_")]:
        monkeypatch.delenv(name)
    return monkeypatch


def test_production_hashes_with_rfc_9106_low_memory_parameters_by_default(environment) -> None:
    environment.setenv("HAVEN_ENV", "production")

    assert Settings.from_env().argon2_profile == "rfc9106-low-memory"


def test_the_cheap_test_profile_is_refused_in_production(environment) -> None:
    environment.setenv("HAVEN_ENV", "production")
    environment.setenv("HAVEN_ARGON2_PROFILE", "cheapest")

    with pytest.raises(SettingsError, match="HAVEN_ARGON2_PROFILE=cheapest is for tests and development only"):
        Settings.from_env()


def test_an_unknown_profile_is_refused(environment) -> None:
    environment.setenv("HAVEN_ENV", "test")
    environment.setenv("HAVEN_ARGON2_PROFILE", "fast")

    with pytest.raises(SettingsError, match="HAVEN_ARGON2_PROFILE must be one of"):
        Settings.from_env()


def test_hashes_made_with_either_profile_verify_so_stored_answers_survive_a_change() -> None:
    strong = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY).hash("123456")
    made_now = hash_secret("123456")

    assert secret_matches(stored_hash=strong, secret="123456")
    assert secret_matches(stored_hash=made_now, secret="123456")
    assert not secret_matches(stored_hash=strong, secret="123457")
    assert not secret_matches(stored_hash=None, secret="123456")
