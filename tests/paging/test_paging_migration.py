"""Migration 0013 builds the paging table and staff columns as the models describe them, and goes back down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot import migrate
from bot.db import build_engine
from bot.handoff.queue import claim
from bot.paging import models as paging_models
from tests.handoff.factories import make_handoff, make_staff


def test_the_migration_builds_what_the_models_describe(engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, paging_models.Base.metadata)
    assert [diff for diff in diffs if "pages_sent" in repr(diff) or "on_call" in repr(diff)
            or "pager_contact" in repr(diff)] == []  # fmt: skip


def test_the_migration_goes_down_and_up_again_keeping_who_holds_each_conversation(db_url, session) -> None:
    handoff = make_handoff(session)
    claim(session, handoff_id=handoff.id, staff=make_staff(session))
    session.commit()
    session.close()
    migrate.downgrade(db_url, "0012_code_clocks")
    engine = build_engine(db_url)
    try:
        assert "pages_sent" not in inspect(engine).get_table_names()
        assert "on_call" not in {column["name"] for column in inspect(engine).get_columns("staff")}
        with engine.connect() as connection:  # staff rows were not rebuilt: nothing pointing at them was lost
            assert connection.execute(text("SELECT claimed_by FROM handoffs")).scalar_one() is not None
        migrate.upgrade(db_url)
        assert "pages_sent" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
