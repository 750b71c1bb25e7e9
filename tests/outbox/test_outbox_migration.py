"""Migration 0007 builds the outbox columns the model describes, keys rows queued before it, and goes back down."""

from __future__ import annotations

from sqlalchemy import inspect, text

from bot import migrate
from bot.contact import models as contact_models  # noqa: F401 (registers contact_nudges: its outbox_key column)
from bot.db import build_engine


def test_the_migrations_build_the_outbox_the_model_describes(engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bot.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    assert [diff for diff in diffs if "outbox" in repr(diff)] == []


def test_rows_queued_before_0007_get_a_unique_key_and_the_migration_reverses(db_url: str) -> None:
    migrate.downgrade(db_url, "0006_staff_access")
    engine = build_engine(db_url)
    try:
        with engine.begin() as connection:
            for recipient in ("+447700900001", "+447700900002"):
                connection.execute(
                    text(
                        "INSERT INTO outbox (channel, recipient, payload, origin, status, attempts, next_attempt_at,"
                        " created_at) VALUES ('sms', :recipient, '{\"text\": \"x\"}', 'bot', 'pending', 0,"
                        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"recipient": recipient},
                )
        migrate.upgrade(db_url, "0007_outbox_fencing")
        with engine.connect() as connection:
            keys = connection.execute(text("SELECT idempotency_key FROM outbox ORDER BY id")).scalars().all()
            ids = connection.execute(text("SELECT id FROM outbox ORDER BY id")).scalars().all()
        assert keys == [f"legacy:{row_id}#0" for row_id in ids]
        migrate.downgrade(db_url, "0006_staff_access")
        assert "lease_token" not in {column["name"] for column in inspect(engine).get_columns("outbox")}
    finally:
        engine.dispose()
        migrate.upgrade(db_url)
