"""Signing in to the console in a browser as staff do: password, then the authenticator's code (set up once)."""

from __future__ import annotations

from tests.console.conftest import authenticators
from tests.handoff.factories import PASSWORD


async def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Fill the log-in form; on the set-up page read the secret like a phone would scan it; enter the code."""
    await page.goto(f"{base_url}/console/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Log in").click()
    if not page.url.endswith("/console/login/code"):
        return
    secret = page.locator("#totp-secret")
    if await secret.count():
        authenticators.secrets[(base_url, username)] = (await secret.inner_text()).replace(" ", "")
        await page.get_by_label("6-digit code from the app").fill(authenticators.next_code(base_url, username))
        button = "Turn on two-step sign-in"
    else:
        await page.get_by_label("6-digit code").fill(authenticators.next_code(base_url, username))
        button = "Continue"
    async with page.expect_navigation():
        await page.get_by_role("button", name=button).click()
