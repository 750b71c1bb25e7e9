"""Shared fixtures: a freshly migrated database per test (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot import migrate
from bot.db import build_engine, session_factory
from bot.settings import get_settings

pytest_plugins = ["tests.worker_fixtures"]
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def pytest_configure(config: pytest.Config) -> None:
    """The suite runs with HAVEN_ENV=test: production is Haven's default, and tests of it set it themselves.
    Quiet hours are off (the real clock runs in most tests, and CI may run at night); tests/contact checks them
    with a fixed clock."""
    os.environ["HAVEN_ENV"] = "test"
    os.environ["HAVEN_QUIET_HOURS"] = "off"
    get_settings.cache_clear()


def _fresh_postgres_schema(base_url: str) -> tuple[str, str]:
    """A new empty schema in the test PostgreSQL database; returns (url, schema)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = build_engine(base_url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{schema}", schema


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> Iterator[str]:
    """A migrated, empty database; DATABASE_URL points at it and settings are re-read."""
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'haven-test.db'}"
    else:
        url, schema = _fresh_postgres_schema(POSTGRES_URL)
    migrate.upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("HAVEN_ENV", "test")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    if schema:
        engine = build_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def engine(db_url: str):
    """An engine on the test database, disposed after the test."""
    test_engine = build_engine(db_url)
    yield test_engine
    test_engine.dispose()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A session on the test database; the test commits what it wants to persist."""
    db_session = session_factory(engine)()
    yield db_session
    db_session.close()
