"""The case feed's contact_preferences event reaches the safe-contact table; migration 0015 matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bot import migrate
from bot.contact import models as contact_models
from bot.contact import preferences
from bot.db import build_engine
from bot.feed.apply import apply_event
from bot.feed.schema import CaseEventBody
from tests.contact.factories import nudges, victim_with_an_update
from tests.feed.conftest import event

NEW_TABLES = ("contact_preferences", "contact_nudges")


def test_a_preferred_channel_from_the_feed_comes_first_and_gets_the_nudge(session):
    victim = victim_with_an_update(session, telegram=True)
    preferences.save(session, victim, preferences.Preferences(channels=("sms",)), updated_by="staff:1")
    body = event("contact_preferences", preferred_channel="telegram")
    apply_event(session, CaseEventBody.parse_obj(body).__root__, source="force-rms")
    session.commit()
    assert preferences.load(session, victim).channels == ("telegram", "sms")
    assert [nudge.channel for nudge in nudges(session)] == ["telegram"]  # queued (perhaps for later), never dropped


def test_the_migration_builds_what_the_models_describe_and_goes_down(engine, db_url):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, contact_models.Base.metadata)
    assert [diff for diff in diffs if any(table in repr(diff) for table in NEW_TABLES)] == []
    migrate.downgrade(db_url, "0014_dash_referrals")
    down_engine = build_engine(db_url)
    try:
        assert not set(NEW_TABLES) & set(inspect(down_engine).get_table_names())
        migrate.upgrade(db_url)
        assert set(NEW_TABLES) <= set(inspect(down_engine).get_table_names())
    finally:
        down_engine.dispose()
