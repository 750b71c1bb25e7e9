"""The console never blocks the Rasa server's event loop: a page answers while ten staff password checks run.

Each sign-in checks an argon2 password hash (about 160 ms of CPU). If that ran on the server's one event
loop, requests would be served one after the other, and a page asked for just after ten sign-ins would be
answered last. The assertions are on the ORDER of the answers, not on times.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from bot.console.auth import create_session
from bot.console.staff_store import add_staff
from bot.console.web import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from tests.loops.burst import fire, http_request
from tests.loops.console_server import console_server

SIGN_INS = 10  # no more: an address's 11th failure in a row is made to wait, without a password check
MOST = SIGN_INS // 2  # the page must be answered before more than this many sign-ins finish
FORM_TOKEN = "form-token-from-the-login-page"  # the log-in form's CSRF token, echoed by its cookie


def _session_cookie(session) -> str:
    """A signed-in worker's session token (what the console's cookie holds)."""
    staff = add_staff(session, username="jo.worker", display_name="Jo", role="worker", password="a long password 1")
    token, _row = create_session(session, staff=staff)
    session.commit()
    return token


def _wrong_sign_in(address: tuple[str, int], number: int) -> bytes:
    form = {"csrf_token": FORM_TOKEN, "username": f"someone.{number}", "password": "a wrong password 123"}
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"{LOGIN_CSRF_COOKIE}={FORM_TOKEN}"}
    return http_request(address, "POST", "/console/login", body=urlencode(form).encode(), headers=headers)


@pytest.mark.slow
def test_the_queue_answers_before_most_of_ten_concurrent_sign_ins(db_url, session, tmp_path) -> None:
    cookie = {"Cookie": f"{SESSION_COOKIE}={_session_cookie(session)}"}
    with console_server(database_url=db_url, log_path=tmp_path / "console.log") as address:
        queue = http_request(address, "GET", "/console/queue.json", headers=cookie)
        warm_up = fire(address, [("warm-up", queue)])  # the engine and the thread pools exist before the burst
        assert warm_up[0].status == 200, warm_up[0].body
        sign_ins = [(f"sign-in {number}", _wrong_sign_in(address, number)) for number in range(SIGN_INS)]
        replies = fire(address, [*sign_ins, ("queue", queue)])

    order = [reply.name for reply in replies]
    page = replies[order.index("queue")]
    assert page.status == 200, page.body
    assert page.json()["items"] == []
    for reply in replies:
        if reply.name.startswith("sign-in"):
            assert reply.status == 401, reply.body
            assert b"Those details didn" in reply.body
    finished_first = order.index("queue")
    timeline = ", ".join(f"{reply.name} ({reply.seconds * 1000:.0f} ms)" for reply in replies)
    assert finished_first <= MOST, f"the queue waited behind {finished_first} sign-ins: {timeline}"
