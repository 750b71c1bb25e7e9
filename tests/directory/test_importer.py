"""Importing the directory: idempotent upserts by slug, removals, and agencies kept inactive for referrals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.directory.importer import import_directory, main
from bot.directory.referrals import record_referral
from bot.directory.schema import DirectoryError
from bot.directory.search import search
from bot.directory.store import inactive_agency_ids
from bot.models.directory import Agency
from tests.directory.factories import AGENCIES_FILE, agency


def count_agencies(session) -> int:
    return session.scalar(select(func.count()).select_from(Agency))


def test_importing_the_real_directory_twice_changes_nothing_the_second_time(session):
    first = import_directory(session, AGENCIES_FILE)
    session.commit()
    second = import_directory(session, AGENCIES_FILE)
    session.commit()
    assert len(first.created) == count_agencies(session) >= 36
    assert (second.created, second.updated, second.removed, second.deactivated) == ([], [], [], [])
    assert len(second.unchanged) == len(first.created)
    samaritans = session.scalars(select(Agency).where(Agency.slug == "samaritans")).one()
    assert (samaritans.phone, samaritans.national, samaritans.opening_hours) == ("116 123", True, {"always": True})


def test_reimport_after_a_change_updates_adds_and_removes(session, write_directory):
    import_directory(session, write_directory(agency("alpha"), agency("beta"), agency("gamma")))
    session.commit()
    changed = write_directory(agency("alpha", phone="01632 960555"), agency("beta"), agency("delta"))
    summary = import_directory(session, changed)
    session.commit()
    assert (summary.created, summary.updated, summary.unchanged, summary.removed) == (
        ["delta"],
        ["alpha"],
        ["beta"],
        ["gamma"],
    )
    assert str(summary) == "1 created, 1 updated, 1 unchanged, 1 removed, 0 kept inactive (they have referrals)"
    slugs = set(session.scalars(select(Agency.slug)))
    assert slugs == {"alpha", "beta", "delta"}
    assert session.scalars(select(Agency.phone).where(Agency.slug == "alpha")).one() == "01632 960555"


def test_a_delisted_agency_with_referrals_is_kept_inactive_and_hidden_then_relisted(session, write_directory):
    both = write_directory(agency("alpha", needs=["fraud"]), agency("beta", needs=["fraud"]))
    import_directory(session, both)
    record_referral(session, agency_slug="beta", sender_id="sms:+447700900123", need="fraud", area="SX4")
    session.commit()

    summary = import_directory(session, write_directory(agency("alpha", needs=["fraud"]), name="only-alpha.yml"))
    session.commit()
    assert (summary.removed, summary.deactivated) == ([], ["beta"])
    beta_id = session.scalars(select(Agency.id).where(Agency.slug == "beta")).one()
    assert inactive_agency_ids(session) == {beta_id}
    assert [match.agency.slug for match in search(session, need="fraud", area="SX4")] == ["alpha"]

    again = import_directory(session, both)
    session.commit()
    assert again.updated == ["beta"] and inactive_agency_ids(session) == set()
    assert [match.agency.slug for match in search(session, need="fraud", area="SX4")] == ["alpha", "beta"]


def test_an_invalid_file_changes_nothing(session, write_directory):
    import_directory(session, write_directory(agency("alpha")))
    session.commit()
    with pytest.raises(DirectoryError):
        import_directory(session, write_directory(agency("beta", needs=["nonsense"]), name="bad.yml"))
    session.rollback()
    assert list(session.scalars(select(Agency.slug))) == ["alpha"]


def test_the_command_imports_and_reports(db_url, session, write_directory, capsys):
    assert main(["import", str(write_directory(agency("alpha"), agency("beta")))]) == 0
    assert capsys.readouterr().out == (
        "agency directory imported: 2 created, 0 updated, 0 unchanged, 0 removed, "
        "0 kept inactive (they have referrals)\n"
    )
    assert set(session.scalars(select(Agency.slug))) == {"alpha", "beta"}


def test_the_command_explains_an_invalid_file(db_url, write_directory, capsys):
    assert main(["import", str(write_directory(agency("alpha", opening_hours={"mon": [["9", "5"]]})))]) == 1
    assert "agency #1 (alpha): opening_hours.mon: bad time '9' (use 24-hour HH:MM)" in capsys.readouterr().err
