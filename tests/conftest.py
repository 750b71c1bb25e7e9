"""Shared fixtures: a freshly migrated database per test (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
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


def _postgres_admin(statement: str) -> None:
    """Run one statement that cannot run in a transaction (CREATE / DROP DATABASE) on the test server."""
    engine = build_engine(POSTGRES_URL)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(statement))
    engine.dispose()


def _postgres_database_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Each backend migrated once per run, by Haven's own migrations; every test gets a copy of that (a file
    copy on SQLite, a database cloned from the template on PostgreSQL) instead of migrating again."""
    sqlite_template = tmp_path_factory.mktemp("migrated") / "haven-template.db"
    migrate.upgrade(f"sqlite:///{sqlite_template}")
    templates = {"sqlite": str(sqlite_template)}
    if POSTGRES_URL:
        templates["postgresql"] = f"haven_template_{uuid.uuid4().hex[:12]}"
        _postgres_admin(f'CREATE DATABASE "{templates["postgresql"]}"')
        migrate.upgrade(_postgres_database_url(templates["postgresql"]))
    yield templates
    if POSTGRES_URL:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{templates["postgresql"]}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, migrated_templates, tmp_path, monkeypatch) -> Iterator[str]:
    """A migrated, empty database of its own; DATABASE_URL points at it and settings are re-read."""
    database = None
    if request.param == "sqlite":
        path = tmp_path / "haven-test.db"
        shutil.copyfile(migrated_templates["sqlite"], path)
        url = f"sqlite:///{path}"
    else:
        database = f"haven_test_{uuid.uuid4().hex[:12]}"
        _postgres_admin(f'CREATE DATABASE "{database}" TEMPLATE "{migrated_templates["postgresql"]}"')
        url = _postgres_database_url(database)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("HAVEN_ENV", "test")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    if database:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')  # ends connections a test left open


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
