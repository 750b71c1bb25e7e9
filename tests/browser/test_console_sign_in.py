"""Console sign-in in headless Chromium: set up two-step sign-in, sign in with a code, waits, and API tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.chromium import needs_chromium
from tests.console.conftest import authenticators, console, http  # noqa: F401  (fixtures)
from tests.handoff.factories import PASSWORD, make_staff

SCREENSHOTS = Path("/tmp")

pytestmark = [pytest.mark.browser, needs_chromium]


async def submit(page, button: str) -> None:
    async with page.expect_navigation():
        await page.get_by_role("button", name=button).click()


async def test_a_supervisor_sets_up_two_step_sign_in_and_signs_in_with_a_code(console, session, browser_page):  # noqa: F811
    from playwright.async_api import expect

    page, errors = browser_page
    make_staff(session, "lee.super", role="supervisor", name="Lee Smith")
    base = console.base_url

    await page.goto(f"{base}/console/login")
    await page.get_by_label("Username").fill("lee.super")
    await page.get_by_label("Password").fill(PASSWORD)
    await submit(page, "Log in")
    await expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    qr = page.get_by_role("img", name="QR code for adding Haven gateway to an authenticator app")
    await expect(qr).to_be_visible()
    assert await qr.evaluate("image => image.naturalWidth") > 100  # the SVG really drew (CSP allows data: images)
    await expect(page.locator("#totp-uri")).to_contain_text("otpauth://totp/Haven%20gateway:lee.super?secret=")
    secret = (await page.locator("#totp-secret").inner_text()).replace(" ", "")
    authenticators.secrets[(base, "lee.super")] = secret
    await page.screenshot(path=str(SCREENSHOTS / "haven_console_two_step_setup.png"), full_page=True)

    await page.get_by_label("6-digit code from the app").fill("000000" if secret else "")
    await submit(page, "Turn on two-step sign-in")
    if await page.get_by_role("heading", name="Conversations waiting").count() == 0:  # 000000 was (rarely) right
        await expect(page.get_by_role("alert")).to_have_text(
            "That code didn't work. Check your authenticator app and enter the newest code."
        )
        await page.get_by_label("6-digit code from the app").fill(authenticators.next_code(base, "lee.super"))
        await submit(page, "Turn on two-step sign-in")
    await expect(page.get_by_role("heading", name="Conversations waiting")).to_be_visible()

    await submit(page, "Log out")
    await page.get_by_label("Username").fill("lee.super")
    await page.get_by_label("Password").fill(PASSWORD)
    await submit(page, "Log in")
    await expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    await expect(page.locator("#totp-secret")).to_have_count(0)  # the secret is never shown again
    await page.get_by_label("6-digit code").fill(authenticators.next_code(base, "lee.super"))
    await page.screenshot(path=str(SCREENSHOTS / "haven_console_sign_in_code.png"), full_page=True)
    await submit(page, "Continue")
    await expect(page.get_by_role("heading", name="Conversations waiting")).to_be_visible()
    assert errors == []


async def test_staff_issue_and_revoke_their_api_tokens(console, http, session, browser_page):  # noqa: F811
    from playwright.async_api import expect

    from tests.browser.console_sign_in import sign_in

    page, errors = browser_page
    make_staff(session, "jo.worker", name="Jo Bloggs")
    await sign_in(page, console.base_url, "jo.worker")
    await page.get_by_role("link", name="Account").click()
    await expect(page.get_by_role("heading", name="Account and API tokens")).to_be_visible()
    await expect(page.get_by_text("You have no tokens.")).to_be_visible()
    await page.get_by_label("Name (where it is used)").fill("duty board")
    await page.get_by_label("It may").select_option(label="Queue only: who is waiting, no conversations")
    await submit(page, "Issue token")
    token = await page.locator("#new-token").inner_text()
    assert token.startswith("hvn_")
    await expect(page.get_by_role("row", name="duty board")).to_contain_text("Queue only")
    await page.screenshot(path=str(SCREENSHOTS / "haven_console_tokens.png"), full_page=True)
    async with http.get(f"{console.base_url}/console/api/queue", headers={"Authorization": f"Bearer {token}"}) as r:
        assert r.status == 200

    await submit(page, "Revoke duty board")
    await expect(page.get_by_role("status")).to_have_text("Token revoked: it no longer works.")
    await expect(page.get_by_role("row", name="duty board")).to_contain_text("Revoked")
    await expect(page.locator("#new-token")).to_have_count(0)
    async with http.get(f"{console.base_url}/console/api/queue", headers={"Authorization": f"Bearer {token}"}) as r:
        assert r.status == 401
    assert errors == []


async def test_repeated_failures_show_a_wait_not_a_lock(console, session, browser_page):  # noqa: F811
    from playwright.async_api import expect

    page, _errors = browser_page
    make_staff(session, "jo.worker")
    await page.goto(f"{console.base_url}/console/login")
    for _attempt in range(6):
        await page.get_by_label("Username").fill("jo.worker")
        await page.get_by_label("Password").fill("not my password")
        await submit(page, "Log in")
    await expect(page.get_by_role("alert")).to_have_text("Too many attempts. Wait 1 second, then try again.")
    await page.screenshot(path=str(SCREENSHOTS / "haven_console_login_wait.png"), full_page=True)


async def test_a_supervisor_revokes_a_worker_s_token(console, http, session, browser_page):  # noqa: F811
    from playwright.async_api import expect

    from bot.console import api_tokens
    from tests.browser.console_sign_in import sign_in

    page, errors = browser_page
    jo = make_staff(session, "jo.worker", name="Jo Bloggs")
    make_staff(session, "lee.super", role="supervisor", name="Lee Smith")
    secret, _row = api_tokens.issue(session, owner=jo, label="case review script", role="reader", created_by=jo.id)
    session.commit()
    await sign_in(page, console.base_url, "lee.super")
    await page.get_by_role("link", name="Account").click()
    everyone = page.get_by_role("region", name="Everyone's API tokens")
    await expect(everyone.get_by_role("row", name="case review script")).to_contain_text("Jo Bloggs")
    await page.screenshot(path=str(SCREENSHOTS / "haven_console_tokens_supervisor.png"), full_page=True)
    await submit(page, "Revoke case review script of Jo Bloggs")
    await expect(page.get_by_role("status")).to_have_text("Token revoked: it no longer works.")
    async with http.get(f"{console.base_url}/console/api/queue", headers={"Authorization": f"Bearer {secret}"}) as r:
        assert r.status == 401
    assert errors == []
