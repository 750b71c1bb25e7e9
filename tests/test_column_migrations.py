"""Each migration that adds a column builds it as the model describes, and goes down and up again in place."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bot import migrate
from bot.db import build_engine
from bot.handoff.queue import add_note, open_handoff
from bot.models.base import Base
from tests.handoff.factories import make_staff

COLUMNS = {  # revision: (table, column)
    "0016_handoff_opened_for": ("handoffs", "opened_for"),
}


@pytest.mark.parametrize("revision", sorted(COLUMNS))
def test_the_migration_builds_what_the_model_describes(engine, revision) -> None:
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert [diff for diff in diffs if COLUMNS[revision][1] in repr(diff)] == []


@pytest.mark.parametrize("revision", sorted(COLUMNS))
def test_the_migration_goes_down_and_up_again_keeping_every_row(db_url, session, revision) -> None:
    table, column = COLUMNS[revision]
    handoff = open_handoff(session, sender_id="sms:+447700900123", channel="sms", reason="risk", opened_for="inbox-3")
    add_note(session, handoff_id=handoff.id, staff=make_staff(session), body="Called back, safe now.")
    session.commit()
    session.close()
    before = ScriptDirectory.from_config(migrate.alembic_config(db_url)).get_revision(revision).down_revision
    migrate.downgrade(db_url, before)
    engine = build_engine(db_url)
    try:
        assert column not in {found["name"] for found in inspect(engine).get_columns(table)}
        with engine.connect() as connection:  # not rebuilt: nothing pointing at the table was deleted with it
            counts = [connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                      for name in ("handoffs", "handoff_notes")]  # fmt: skip
        assert counts == [1, 1]
        migrate.upgrade(db_url)
        assert column in {found["name"] for found in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()
