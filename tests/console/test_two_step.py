"""TOTP two-step sign-in: required for supervisors, configurable for workers, shown once, codes used once."""

from __future__ import annotations

import re
from datetime import timezone

import pyotp
import pytest
from sqlalchemy import select

from bot.__main__ import main as bot_main
from bot.console import totp
from bot.models.base import utcnow
from bot.models.staff import AuditEntry, Staff, StaffSession
from bot.settings import Settings, SettingsError, get_settings
from tests.console.conftest import CSRF_FIELD, SECRET_ON_PAGE, authenticators, csrf_from, log_in
from tests.handoff.factories import PASSWORD, make_staff


async def password_step(http, base_url: str, username: str, password: str = PASSWORD):
    token = await csrf_from(http, f"{base_url}/console/login")
    response = await http.post(
        f"{base_url}/console/login",
        data={"csrf_token": token, "username": username, "password": password},
        allow_redirects=False,
    )
    await response.read()
    return response


async def code_page(http, base_url: str) -> str:
    async with http.get(f"{base_url}/console/login/code", allow_redirects=False) as response:
        assert response.status == 200, response.status
        return await response.text()


async def send_code(http, base_url: str, html: str, code: str):
    response = await http.post(
        f"{base_url}/console/login/code",
        data={"csrf_token": CSRF_FIELD.search(html).group(1), "code": code},
        allow_redirects=False,
    )
    await response.read()
    return response


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(utcnow().replace(tzinfo=timezone.utc))


async def signed_in(http, base_url: str) -> bool:
    async with http.get(f"{base_url}/console/", allow_redirects=False) as response:
        return response.status == 200


async def test_a_supervisor_s_password_alone_never_opens_the_console(console, http, session):
    make_staff(session, "lee.super", role="supervisor")
    response = await password_step(http, console.base_url, "lee.super")
    assert (response.status, response.headers["Location"]) == (303, "/console/login/code")
    assert "haven_console" not in response.cookies
    assert not await signed_in(http, console.base_url)
    assert session.scalars(select(StaffSession)).all() == []

    html = await code_page(http, console.base_url)  # first time: set up the authenticator
    secret = SECRET_ON_PAGE.search(html).group(1).replace(" ", "")
    assert f"secret={secret}" in html and "otpauth://totp/Haven%20gateway:lee.super" in html
    assert 'src="data:image/svg+xml' in html  # the QR code
    wrong = await send_code(http, console.base_url, html, "123456" if current_code(secret) != "123456" else "654321")
    assert wrong.status == 401 and not await signed_in(http, console.base_url)
    right = await send_code(http, console.base_url, await wrong.text(), current_code(secret))  # its new form
    assert (right.status, right.headers["Location"]) == (303, "/console/")
    assert await signed_in(http, console.base_url)
    session.expire_all()
    lee = session.scalars(select(Staff).where(Staff.username == "lee.super")).one()
    assert lee.totp_secret == secret and lee.totp_enrolled_at is not None
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["login_code_failed", "totp_enrolled", "login", "view_queue"]


async def test_the_secret_is_shown_only_while_setting_up(console, http, session):
    make_staff(session, "lee.super", role="supervisor")
    await log_in(http, console.base_url, "lee.super")
    secret = authenticators.secrets[(console.base_url, "lee.super")]
    async with http.get(f"{console.base_url}/console/account") as response:
        account = await response.text()
    assert "On since" in account and secret not in account and secret[:4] not in account
    async with http.get(f"{console.base_url}/console/login/code", allow_redirects=False) as response:
        assert response.headers["Location"] == "/console/login"
    http.cookie_jar.clear()
    await password_step(http, console.base_url, "lee.super")
    html = await code_page(http, console.base_url)  # later sign-ins only ask for the code
    assert "Enter your sign-in code" in html and SECRET_ON_PAGE.search(html) is None and secret not in html


async def test_a_code_is_accepted_only_once(console, http, session):
    make_staff(session, "lee.super", role="supervisor")
    await log_in(http, console.base_url, "lee.super")
    lee = session.scalars(select(Staff).where(Staff.username == "lee.super")).one()
    used = totp.pyotp.TOTP(lee.totp_secret).generate_otp(lee.totp_last_counter)
    http.cookie_jar.clear()
    await password_step(http, console.base_url, "lee.super")
    replay = await send_code(http, console.base_url, await code_page(http, console.base_url), used)
    assert replay.status == 401 and "That code didn" in await replay.text()


async def test_workers_need_a_code_unless_the_gateway_makes_it_optional(console, http, session, monkeypatch):
    make_staff(session, "jo.worker")
    make_staff(session, "lee.super", role="supervisor")
    response = await password_step(http, console.base_url, "jo.worker")
    assert response.headers["Location"] == "/console/login/code"  # the default: required for workers too

    monkeypatch.setenv("HAVEN_TOTP_WORKERS", "optional")
    get_settings.cache_clear()
    http.cookie_jar.clear()
    response = await password_step(http, console.base_url, "jo.worker")
    assert response.headers["Location"] == "/console/" and await signed_in(http, console.base_url)
    async with http.get(f"{console.base_url}/console/account") as page:
        assert "It is optional for workers here" in await page.text()
    http.cookie_jar.clear()
    response = await password_step(http, console.base_url, "lee.super")
    assert response.headers["Location"] == "/console/login/code"  # supervisors: always


async def test_a_worker_can_turn_it_on_and_then_it_is_needed(console, http, session, monkeypatch):
    monkeypatch.setenv("HAVEN_TOTP_WORKERS", "optional")
    get_settings.cache_clear()
    make_staff(session, "jo.worker")
    await log_in(http, console.base_url, "jo.worker")
    csrf = await csrf_from(http, f"{console.base_url}/console/account")
    async with http.post(
        f"{console.base_url}/console/account/two-step", data={"csrf_token": csrf}, allow_redirects=False
    ) as response:
        assert response.headers["Location"] == "/console/login/code"
    html = await code_page(http, console.base_url)
    secret = SECRET_ON_PAGE.search(html).group(1).replace(" ", "")
    assert (await send_code(http, console.base_url, html, current_code(secret))).status == 303
    http.cookie_jar.clear()
    assert (await password_step(http, console.base_url, "jo.worker")).headers["Location"] == "/console/login/code"


def test_the_setting_takes_only_required_or_optional(monkeypatch):
    monkeypatch.setenv("HAVEN_TOTP_WORKERS", "sometimes")
    with pytest.raises(SettingsError, match="HAVEN_TOTP_WORKERS"):
        Settings.from_env()


async def test_the_demo_supervisor_from_seed_signs_in_with_the_printed_secret(console, http, session, capsys,
                                                                             monkeypatch):
    monkeypatch.setattr("bot.directory.importer.import_directory", lambda *_args: "skipped")  # not what is tested
    monkeypatch.setattr("bot.cases.sample_loader.load_sample_cases", lambda *_args: "skipped")
    assert bot_main(["seed"]) == 0
    out = capsys.readouterr().out
    password = re.search(r"demo\.supervisor / (\S+)", out).group(1)
    secret = re.search(r"TOTP\) secret: ([A-Z2-7]+)", out).group(1)
    await password_step(http, console.base_url, "demo.supervisor", password)
    html = await code_page(http, console.base_url)
    assert SECRET_ON_PAGE.search(html) is None  # already set up by seed: only the code is asked for
    response = await send_code(http, console.base_url, html, current_code(secret))
    assert response.headers["Location"] == "/console/"
    assert bot_main(["seed"]) == 0 and "TOTP" not in capsys.readouterr().out  # shown once


async def test_a_lost_phone_is_reset_from_the_command_line(console, http, session, capsys):
    make_staff(session, "lee.super", role="supervisor")
    await log_in(http, console.base_url, "lee.super")
    assert bot_main(["staff", "reset-two-step", "lee.super"]) == 0
    http.cookie_jar.clear()
    await password_step(http, console.base_url, "lee.super")
    assert SECRET_ON_PAGE.search(await code_page(http, console.base_url))  # sets up a new authenticator
