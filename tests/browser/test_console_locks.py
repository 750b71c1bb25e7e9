"""Locked references in headless Chromium: a supervisor finds the page from the menu and clears a lock."""

from pathlib import Path

import pytest

from tests.browser.chromium import needs_chromium
from tests.browser.console_sign_in import sign_in
from tests.console.conftest import console  # noqa: F401  (fixture)
from tests.console.test_locks import REF, locked, staff  # noqa: F401  (fixtures)

SCREENSHOT = Path("/tmp/shots/locks.png")

pytestmark = [pytest.mark.browser, needs_chromium]


async def test_supervisor_clears_a_lock_from_the_menu(console, staff, locked, browser_page):  # noqa: F811
    from playwright.async_api import expect

    page, errors = browser_page
    await sign_in(page, console.base_url, "lee.super")
    await page.get_by_role("link", name="Locked references").click()
    await expect(page.get_by_role("heading", name="Locked references")).to_be_visible()
    row = page.locator("#locked-table tbody tr")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text(REF)
    await row.get_by_label("I phoned the victim and checked who they are").check()
    await row.get_by_label("How you checked").fill("Called the number on the case; PIN confirmed.")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOT), full_page=True)
    await row.get_by_role("button", name=f"Clear lock on {REF}").click()
    await expect(page.get_by_role("status")).to_have_text("Lock cleared. The victim can try to verify again now.")
    await expect(page.locator("#cleared-table")).to_contain_text("Lee Chen")
    assert errors == []
