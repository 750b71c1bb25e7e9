"""Each migration that adds tables builds them as the models describe, and goes back down and up again."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot import migrate
from bot.agencies import models as agency_models  # noqa: F401 (each import registers its tables on Base)
from bot.clocks import models as clock_models  # noqa: F401
from bot.contact import models as contact_models  # noqa: F401
from bot.dash import models as dash_models  # noqa: F401
from bot.db import build_engine
from bot.feed import models as feed_models  # noqa: F401
from bot.models.base import Base

TABLES_BY_REVISION = {
    "0011_case_feed": ("feed_integrations", "case_events"),
    "0012_code_clocks": ("code_clocks",),
    "0014_dash_referrals": ("dash_assessments", "agency_accounts", "referral_decisions"),
    "0015_contact_preferences": ("contact_preferences", "contact_nudges"),
}
REVISIONS = sorted(TABLES_BY_REVISION)


@pytest.mark.parametrize("revision", REVISIONS)
def test_the_migration_builds_the_tables_the_models_describe(engine, revision):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    tables = TABLES_BY_REVISION[revision]
    assert [diff for diff in diffs if any(table in repr(diff) for table in tables)] == []


@pytest.mark.parametrize("revision", REVISIONS)
def test_the_migration_goes_down_and_up_again(db_url, revision):
    tables = set(TABLES_BY_REVISION[revision])
    before = ScriptDirectory.from_config(migrate.alembic_config(db_url)).get_revision(revision).down_revision
    engine = build_engine(db_url)
    try:
        migrate.downgrade(db_url, before)
        assert not tables & set(inspect(engine).get_table_names())
        migrate.upgrade(db_url)
        assert tables <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
