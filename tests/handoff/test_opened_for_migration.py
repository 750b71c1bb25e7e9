"""Migration 0016 adds the hand-off's "opened for" message id as the model describes it, and goes back down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot import migrate
from bot.db import build_engine
from bot.handoff.queue import add_note, open_handoff
from bot.models.base import Base
from tests.handoff.factories import make_staff


def test_the_migration_builds_what_the_model_describes(engine) -> None:
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert [diff for diff in diffs if "opened_for" in repr(diff)] == []


def test_the_migration_goes_down_and_up_again_keeping_every_hand_off_and_note(db_url, session) -> None:
    handoff = open_handoff(session, sender_id="sms:+447700900123", channel="sms", reason="risk", opened_for="inbox-3")
    add_note(session, handoff_id=handoff.id, staff=make_staff(session), body="Called back, safe now.")
    session.commit()
    session.close()
    migrate.downgrade(db_url, "0015_contact_preferences")
    engine = build_engine(db_url)
    try:
        assert "opened_for" not in {column["name"] for column in inspect(engine).get_columns("handoffs")}
        with engine.connect() as connection:  # not rebuilt: the notes pointing at the hand-off are still there
            assert connection.execute(text("SELECT count(*) FROM handoff_notes")).scalar_one() == 1
        migrate.upgrade(db_url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT opened_for FROM handoffs")).scalar_one() is None
    finally:
        engine.dispose()
