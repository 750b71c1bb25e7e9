"""Sign-in throttling: growing waits per address and per account, never a lock that keeps the real user out."""

from __future__ import annotations

from datetime import timedelta, timezone

import aiohttp
import pyotp
import pytest
from sqlalchemy import select, update

from bot.console.login_throttle import (
    ACCOUNT_RULE,
    ADDRESS_RULE,
    delay_after,
    record_failure,
    throttle_keys,
    wait_seconds,
)
from bot.models.base import utcnow
from bot.models.staff import AuditEntry, LoginThrottle, StaffSession
from bot.settings import get_settings
from tests.console.conftest import CSRF_FIELD, authenticators, csrf_from, log_in
from tests.handoff.factories import PASSWORD, make_staff

OFFICE, ATTACKER, ELSEWHERE = "198.51.100.20", "203.0.113.66", "192.0.2.44"


def from_address(address: str) -> dict:
    return {"X-Forwarded-For": address}


@pytest.fixture
def behind_proxy(console):
    """The console trusts one proxy's X-Forwarded-For, as SANIC_PROXIES_COUNT=1 makes it in production."""
    console.app.config.PROXIES_COUNT = 1
    yield
    console.app.config.PROXIES_COUNT = 0


def time_passes(session) -> None:
    """Every wait is over (as if the client had waited), failure counts kept."""
    session.execute(update(LoginThrottle).values(wait_until=utcnow() - timedelta(seconds=1)))
    session.commit()


def account_delay(session, username: str) -> int:
    """Seconds between the account's last failure and the end of the wait it imposed."""
    session.expire_all()
    row = session.get(LoginThrottle, f"account:{username}")
    return round((row.wait_until - row.last_failure_at).total_seconds())


def test_waits_double_after_the_free_tries_up_to_a_cap():
    assert [delay_after(n, ACCOUNT_RULE).total_seconds() for n in range(3, 11)] == [0, 0, 1, 2, 4, 8, 16, 32]
    assert delay_after(9, ADDRESS_RULE) == timedelta(0) and delay_after(10, ADDRESS_RULE) == timedelta(seconds=1)
    assert delay_after(10_000, ACCOUNT_RULE) == ACCOUNT_RULE.cap == timedelta(minutes=5)
    assert delay_after(10_000, ADDRESS_RULE) == ADDRESS_RULE.cap == timedelta(minutes=15)


def test_failures_are_forgotten_after_a_quiet_hour(session):
    keys = throttle_keys(address=ATTACKER, username="jo.worker", trusted_device=False)
    start = utcnow()
    for _ in range(6):
        record_failure(session, keys, now=start)
    assert wait_seconds(session, keys, now=start) == 2
    later = start + timedelta(hours=1, minutes=1)
    assert wait_seconds(session, keys, now=later) == 0
    assert record_failure(session, keys, now=later) == 0  # counted from one again


async def test_guessing_slows_the_guesser_more_and_more_but_not_the_real_user(
    console, http, session, behind_proxy, monkeypatch
):
    monkeypatch.setenv("HAVEN_TOTP_WORKERS", "optional")  # three sign-ins in one 30-second code step
    get_settings.cache_clear()
    make_staff(session, "jo.worker")
    assert (await log_in(http, console.base_url, "jo.worker", headers=from_address(OFFICE))).status == 303

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as attacker:
        for _ in range(6):  # five free tries, then (once the first one-second wait is over) a sixth
            response = await log_in(attacker, console.base_url, "jo.worker", "guess", headers=from_address(ATTACKER))
            assert response.status == 401
            time_passes(session)
        waits = []
        for attempt in range(4):
            wrong = await log_in(attacker, console.base_url, "jo.worker", f"g{attempt}", headers=from_address(ATTACKER))
            assert wrong.status == 401
            blocked = await log_in(attacker, console.base_url, "jo.worker", PASSWORD, headers=from_address(ATTACKER))
            assert blocked.status == 429  # even the right password is not checked while it must wait
            assert "Too many attempts. Wait" in await blocked.text()
            waits.append((int(blocked.headers["Retry-After"]), account_delay(session, "jo.worker")))
            time_passes(session)
        # The account's delay doubles exactly; Retry-After counts down from it (a slow machine may shave a second).
        assert [delay for _, delay in waits] == [4, 8, 16, 32]
        assert all(delay - 2 <= retry_after <= delay for retry_after, delay in waits)
        guess = await log_in(attacker, console.base_url, "jo.worker", "g4", headers=from_address(ATTACKER))
        assert guess.status == 401  # the account now makes unknown browsers wait 64 s

        # Meanwhile the real user, in the browser they used before, signs in at once from the office.
        http.cookie_jar.clear(lambda cookie: cookie.key == "haven_console")
        real = await log_in(http, console.base_url, "jo.worker", headers=from_address(OFFICE))
        assert (real.status, real.headers["Location"]) == (303, "/console/")

    # A browser that never signed in to this account must wait too: spreading guesses over addresses gains nothing.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as new_browser:
        response = await log_in(new_browser, console.base_url, "jo.worker", headers=from_address(ELSEWHERE))
        assert response.status == 429 and int(response.headers["Retry-After"]) > 8
        time_passes(session)
        response = await log_in(new_browser, console.base_url, "jo.worker", headers=from_address(ELSEWHERE))
        assert response.status == 303  # a wait, never a lock

    assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "login_throttled")).all() == [
        "login_throttled"
    ] * 5
    assert len(session.scalars(select(StaffSession)).all()) == 3


async def test_one_address_trying_many_accounts_is_slowed(console, http, session, behind_proxy):
    make_staff(session, "jo.worker")
    for number in range(10):
        response = await log_in(http, console.base_url, f"user{number}", "guess-12345", headers=from_address(ATTACKER))
        assert response.status == 401
    response = await log_in(http, console.base_url, "jo.worker", PASSWORD, headers=from_address(ATTACKER))
    assert response.status == 429
    elsewhere = await log_in(http, console.base_url, "jo.worker", PASSWORD, headers=from_address(OFFICE))
    assert elsewhere.status == 303


async def test_wrong_codes_count_like_wrong_passwords_and_five_end_the_sign_in(console, http, session, behind_proxy):
    make_staff(session, "lee.super", role="supervisor")
    assert (await log_in(http, console.base_url, "lee.super", headers=from_address(OFFICE))).status == 303
    code_url = f"{console.base_url}/console/login/code"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as thief:  # knows the password only
        token = await log_in_password_only(thief, console.base_url, "lee.super", ATTACKER)
        for attempt in range(5):
            time_passes(session)
            async with thief.post(code_url, data={"csrf_token": token, "code": not_the_code("lee.super", console)},
                                  headers=from_address(ATTACKER), allow_redirects=False) as response:
                assert response.status == 401
                text = await response.text()
                token = CSRF_FIELD.search(text).group(1)
            assert ("Please log in again" in text) == (attempt == 4)
        assert "haven_console" not in {cookie.key for cookie in thief.cookie_jar}
    session.expire_all()
    account = session.get(LoginThrottle, "account:lee.super")
    assert account.failures == 5
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "login_code_failed")).all() == [
        "login_code_failed"
    ] * 5


def not_the_code(username: str, console) -> str:
    """A six-digit code the account's authenticator is not showing (now or either side)."""
    secret = authenticators.secrets[(console.base_url, username)]
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow().replace(tzinfo=timezone.utc))
    valid = {totp.generate_otp(counter) for counter in (now - 1, now, now + 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


async def log_in_password_only(client, base_url: str, username: str, address: str) -> str:
    """Pass the password step; returns the code form's token."""
    token = await csrf_from(client, f"{base_url}/console/login")
    async with client.post(
        f"{base_url}/console/login", data={"csrf_token": token, "username": username, "password": PASSWORD},
        headers=from_address(address), allow_redirects=False,
    ) as response:
        assert response.headers["Location"] == "/console/login/code"
    async with client.get(f"{base_url}/console/login/code") as page:
        return CSRF_FIELD.search(await page.text()).group(1)
