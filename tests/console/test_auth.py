"""Console security: argon2 passwords, no account lock, session cookies, CSRF and refusal of strangers."""

import hashlib

from sqlalchemy import select

from bot.console.auth import authenticate, hash_password
from bot.models.handoff import Handoff
from bot.models.staff import AuditEntry, StaffSession
from bot.settings import get_settings
from tests.console.conftest import CSRF_FIELD, csrf_from, log_in
from tests.handoff.factories import PASSWORD, make_handoff, make_staff

GENERIC = "Those details didn&#39;t work."


def test_passwords_are_stored_as_argon2id_hashes(session):
    staff = make_staff(session)
    assert staff.password_hash.startswith("$argon2id$")
    assert PASSWORD not in staff.password_hash
    assert authenticate(session, username="JO.WORKER", password=PASSWORD).id == staff.id


def test_short_passwords_are_refused():
    try:
        hash_password("short")
    except ValueError as error:
        assert "at least 12 characters" in str(error)
    else:
        raise AssertionError("a short password was accepted")


def test_no_number_of_wrong_passwords_locks_the_account(session):
    staff = make_staff(session)
    for _ in range(20):
        assert authenticate(session, username="jo.worker", password="wrong password!") is None
    # Still the right password works: slowing guessers is login_throttle's job, per client and account.
    assert authenticate(session, username="jo.worker", password=PASSWORD) is staff


async def test_login_sets_a_strict_http_only_cookie_whose_hash_is_stored(console, http, session):
    make_staff(session)
    response = await log_in(http, console.base_url, "jo.worker")
    assert (response.status, response.headers["Location"]) == (303, "/console/")
    cookie = response.cookies["haven_console"]
    device = response.cookies["haven_console_device"]
    assert device["httponly"] is True and device["samesite"] == "Strict" and device["path"] == "/console"
    assert cookie["httponly"] is True and cookie["samesite"] == "Strict" and cookie["path"] == "/console"
    assert not cookie["secure"]  # plain http in development
    stored = session.scalars(select(StaffSession)).one()
    assert stored.token_hash == hashlib.sha256(cookie.value.encode()).hexdigest()
    async with http.get(f"{console.base_url}/console/", allow_redirects=False) as page:
        assert page.status == 200
        assert "Conversations waiting" in await page.text()
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]


async def test_cookie_is_secure_behind_https(console, http, session, monkeypatch):
    monkeypatch.setenv("HAVEN_PUBLIC_BASE_URL", "https://gateway.southmoor.example")
    monkeypatch.setenv("HAVEN_TOTP_WORKERS", "optional")  # one step, so the session cookie comes at once
    get_settings.cache_clear()
    make_staff(session)
    async with http.get(f"{console.base_url}/console/login") as page:  # plain http: Secure cookies are not
        form_cookie = page.cookies["haven_console_login"]                 # sent back by themselves
        token = CSRF_FIELD.search(await page.text()).group(1)
    assert form_cookie["secure"]
    response = await http.post(
        f"{console.base_url}/console/login",
        allow_redirects=False,
        data={"csrf_token": token, "username": "jo.worker", "password": PASSWORD},
        headers={"Cookie": f"haven_console_login={form_cookie.value}"},
    )
    assert response.status == 303
    cookies = response.headers.getall("Set-Cookie")
    assert {cookie.split("=")[0] for cookie in cookies} >= {"haven_console", "haven_console_device"}
    assert all("Secure" in cookie for cookie in cookies)


async def test_wrong_password_and_unknown_user_get_the_same_message_and_are_audited(console, http, session):
    make_staff(session)
    wrong = await log_in(http, console.base_url, "jo.worker", "not the password")
    unknown = await log_in(http, console.base_url, "nobody")
    for response in (wrong, unknown):
        assert response.status == 401
        assert GENERIC in await response.text()
        assert "haven_console_pending" not in response.cookies  # no step two for a wrong password
    failures = session.scalars(select(AuditEntry.target).where(AuditEntry.action == "login_failed")).all()
    assert failures == ["jo.worker", "nobody"]


async def test_login_form_needs_its_csrf_token(console, http, session):
    make_staff(session)
    await csrf_from(http, f"{console.base_url}/console/login")
    response = await http.post(
        f"{console.base_url}/console/login",
        allow_redirects=False,
        data={"csrf_token": "forged", "username": "jo.worker", "password": PASSWORD},
    )
    assert response.status == 403


async def test_posts_without_the_session_csrf_token_are_rejected(console, http, session):
    make_staff(session)
    handoff = make_handoff(session)
    await log_in(http, console.base_url, "jo.worker")
    claim_url = f"{console.base_url}/console/conversations/{handoff.id}/claim"
    for extra in ({"data": {}}, {"data": {"csrf_token": "forged"}}, {"headers": {"X-CSRF-Token": "forged"}}):
        response = await http.post(claim_url, allow_redirects=False, **extra)
        assert response.status == 403
    session.expire_all()
    assert session.get(Handoff, handoff.id).status == "waiting"
    token = await csrf_from(http, f"{console.base_url}/console/conversations/{handoff.id}")
    response = await http.post(claim_url, allow_redirects=False, headers={"X-CSRF-Token": token})
    assert response.status == 303
    session.expire_all()
    assert session.get(Handoff, handoff.id).status == "active"


async def test_strangers_are_refused_everywhere(console, http, session):
    handoff = make_handoff(session)
    base = f"{console.base_url}/console"
    for path in ("", "/", f"/conversations/{handoff.id}", "/account", "/login/code"):
        async with http.get(base + path, allow_redirects=False) as response:
            assert (response.status, response.headers["Location"]) == (303, "/console/login"), path
    for path in ("/queue.json", f"/conversations/{handoff.id}/transcript.json"):
        async with http.get(base + path, allow_redirects=False) as response:
            assert response.status == 401, path
    for action in ("claim", "reply", "notes", "close", "reassign"):
        async with http.post(f"{base}/conversations/{handoff.id}/{action}", allow_redirects=False) as response:
            assert (response.status, response.headers["Location"]) == (303, "/console/login"), action
    for path in ("/logout", "/alerts/1/acknowledge", "/account/tokens", "/account/tokens/1/revoke",
                 "/account/two-step"):
        async with http.post(base + path, allow_redirects=False) as response:
            assert response.status == 303, path
    api = f"{base}/api/conversations/{handoff.id}"
    for method, url in (
        ("GET", f"{base}/api/queue"),
        ("GET", api),
        ("POST", f"{api}/claim"),
        ("POST", f"{api}/reply"),
        ("POST", f"{api}/notes"),
        ("POST", f"{api}/close"),
    ):
        async with http.request(method, url, allow_redirects=False) as response:
            assert response.status == 401, url
    session.expire_all()
    assert session.get(Handoff, handoff.id).status == "waiting"


async def test_logout_ends_the_session(console, http, session):
    make_staff(session)
    await log_in(http, console.base_url, "jo.worker")
    token = await csrf_from(http, f"{console.base_url}/console/")
    response = await http.post(f"{console.base_url}/console/logout", data={"csrf_token": token}, allow_redirects=False)
    assert response.status == 303
    assert session.scalars(select(StaffSession)).all() == []
    async with http.get(f"{console.base_url}/console/", allow_redirects=False) as page:
        assert page.status == 303
