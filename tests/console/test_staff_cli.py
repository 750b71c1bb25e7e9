"""`python -m bot staff`: add (password from a prompt twice, or stdin), list and disable accounts."""

import io

from sqlalchemy import select

from bot.__main__ import main as bot_main
from bot.console.auth import authenticate, create_session
from bot.console.staff_cli import main
from bot.models.staff import Staff, StaffSession

PASSWORD = "a long enough passphrase"


def test_add_reads_the_password_from_stdin(session, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert bot_main(["staff", "add", "Jo.Worker", "--role", "worker", "--name", "Jo Bloggs", "--password-stdin"]) == 0
    assert "Created worker 'jo.worker' (Jo Bloggs)." in capsys.readouterr().out
    staff = authenticate(session, username="jo.worker", password=PASSWORD)
    assert (staff.display_name, staff.role) == ("Jo Bloggs", "worker")


def test_add_asks_twice_and_refuses_a_mismatch(session, monkeypatch, capsys):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["add", "sam", "--role", "supervisor", "--name", "Sam"]) == 1
    assert "didn't match" in capsys.readouterr().err
    assert session.scalars(select(Staff)).all() == []


def test_no_weak_passwords_or_duplicate_usernames(session, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["add", "sam", "--role", "worker", "--name", "Sam", "--password-stdin"]) == 1
    assert "at least 12 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["add", "sam", "--role", "worker", "--name", "Sam", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["add", "SAM", "--role", "worker", "--name", "Sam", "--password-stdin"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_list_and_disable(session, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    main(["add", "lee", "--role", "supervisor", "--name", "Lee Smith", "--password-stdin"])
    staff = authenticate(session, username="lee", password=PASSWORD)
    create_session(session, staff=staff)
    session.commit()
    capsys.readouterr()
    assert main(["list"]) == 0
    assert "lee" in (listing := capsys.readouterr().out) and "supervisor" in listing and "active" in listing
    assert main(["disable", "lee"]) == 0
    session.expire_all()
    assert session.scalars(select(StaffSession)).all() == []
    assert authenticate(session, username="lee", password=PASSWORD) is None
    assert main(["disable", "nobody"]) == 1
