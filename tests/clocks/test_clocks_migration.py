"""Migration 0012 builds `code_clocks` as the model describes it, and goes back down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bot import migrate
from bot.clocks import models as clock_models
from bot.db import build_engine


def test_the_migration_builds_the_table_the_model_describes(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, clock_models.Base.metadata)
    assert [diff for diff in diffs if "code_clocks" in repr(diff)] == []


def test_the_migration_goes_down_and_up_again(db_url):
    engine = build_engine(db_url)
    try:
        migrate.downgrade(db_url, "0011_case_feed")
        assert "code_clocks" not in inspect(engine).get_table_names()
        migrate.upgrade(db_url)
        assert "code_clocks" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
