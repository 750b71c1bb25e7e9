"""Alembic environment: runs Haven's migrations against the URL given by bot.migrate."""

from __future__ import annotations

from alembic import context

from bot.db import build_engine
from bot.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations in a transaction on a live connection."""
    engine = build_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            include_name=lambda name, type_, _parent: type_ != "table" or name in target_metadata.tables,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
