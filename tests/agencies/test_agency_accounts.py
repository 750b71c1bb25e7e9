"""Creating agency accounts from the command line."""

from __future__ import annotations

import io

from sqlalchemy import select

from bot.agencies.models import AgencyAccount
from bot.console import staff_cli
from bot.models.staff import AuditEntry, Staff
from tests.agencies.factories import make_agency
from tests.handoff.factories import PASSWORD


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
