"""Creating agency accounts from the command line, and the migration that holds them and their decisions."""

from __future__ import annotations

import io

from sqlalchemy import inspect, select

from bot import migrate
from bot.agencies import models as agency_models
from bot.agencies.models import AgencyAccount
from bot.console import staff_cli
from bot.dash import models as dash_models  # noqa: F401  (registers the Dash table for the comparison)
from bot.db import build_engine
from bot.models.staff import AuditEntry, Staff
from tests.agencies.factories import make_agency
from tests.handoff.factories import PASSWORD

NEW_TABLES = ("dash_assessments", "agency_accounts", "referral_decisions")


def run_cli(monkeypatch, *argv):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    return staff_cli.main(list(argv))


def test_add_agency_creates_an_agency_account_tied_to_the_agency(session, monkeypatch, capsys):
    agency = make_agency(session, "southmoor-ida", "Southmoor IDA")

    assert run_cli(monkeypatch, "add-agency", "ida.desk", "--agency", "southmoor-ida", "--name", "Kim",
                   "--password-stdin") == 0

    assert "Created agency account 'ida.desk' (Kim) for 'southmoor-ida'." in capsys.readouterr().out
    session.expire_all()
    staff = session.scalars(select(Staff).where(Staff.username == "ida.desk")).one()
    assert staff.role == "agency"
    assert session.get(AgencyAccount, staff.id).agency_id == agency.id
    assert session.scalars(select(AuditEntry.action)).all() == ["agency_account_added"]


def test_add_agency_refuses_an_unknown_agency_and_creates_nothing(session, monkeypatch, capsys):
    assert run_cli(monkeypatch, "add-agency", "ida.desk", "--agency", "nowhere", "--name", "Kim",
                   "--password-stdin") == 1
    assert "No agency 'nowhere' in the directory." in capsys.readouterr().err
    assert session.scalars(select(Staff)).all() == []


def test_the_migration_builds_the_tables_the_models_describe_and_goes_down(engine, db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, agency_models.Base.metadata)
    assert [diff for diff in diffs if any(table in repr(diff) for table in NEW_TABLES)] == []
    migrate.downgrade(db_url, "0013_paging")
    down_engine = build_engine(db_url)
    try:
        assert not set(NEW_TABLES) & set(inspect(down_engine).get_table_names())
        migrate.upgrade(db_url)
        assert set(NEW_TABLES) <= set(inspect(down_engine).get_table_names())
    finally:
        down_engine.dispose()
