"""Migration 0011 builds the feed's tables as the models describe them, and goes back down."""

from __future__ import annotations

from sqlalchemy import inspect

from bot import migrate
from bot.db import build_engine
from bot.feed import models as feed_models

FEED_TABLES = ("feed_integrations", "case_events")


def test_the_migration_builds_the_tables_the_models_describe(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, feed_models.Base.metadata)
    assert [diff for diff in diffs if any(table in repr(diff) for table in FEED_TABLES)] == []


def test_the_migration_goes_down_and_up_again(db_url):
    previous = migrate.alembic_config(db_url)
    from alembic.script import ScriptDirectory

    down_to = ScriptDirectory.from_config(previous).get_revision("0011_case_feed").down_revision
    migrate.downgrade(db_url, down_to)
    engine = build_engine(db_url)
    try:
        assert not set(FEED_TABLES) & set(inspect(engine).get_table_names())
        migrate.upgrade(db_url)
        assert set(FEED_TABLES) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
