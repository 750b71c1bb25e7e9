"""`python -m bot staff pager`: set where someone's pages go and whether they are on call."""

from __future__ import annotations

from bot.console.staff_cli import main
from bot.console.staff_store import find_staff
from tests.handoff.factories import make_staff


def test_a_worker_is_put_on_call_with_a_mobile_number_and_taken_off_again(session, capsys) -> None:
    make_staff(session, "jo.worker")
    assert main(["pager", "jo.worker", "--contact", "+447700900555", "--on-call"]) == 0
    assert "'jo.worker' is on call, with a pager contact." in capsys.readouterr().out
    session.expire_all()
    staff = find_staff(session, username="jo.worker")
    assert (staff.on_call, staff.pager_contact) == (True, "+447700900555")
    assert main(["pager", "jo.worker", "--off-call"]) == 0
    session.expire_all()
    assert find_staff(session, username="jo.worker").on_call is False


def test_no_one_goes_on_call_without_a_pager_or_with_a_contact_that_is_neither_a_number_nor_an_email(
    session, capsys
) -> None:
    make_staff(session, "jo.worker")
    assert main(["pager", "jo.worker", "--on-call"]) == 1
    assert "Set a pager contact" in capsys.readouterr().err
    assert main(["pager", "jo.worker", "--contact", "07700 900555"]) == 1
    assert "mobile number like +447700900123 or an email address" in capsys.readouterr().err
    session.expire_all()
    assert find_staff(session, username="jo.worker").on_call is False
