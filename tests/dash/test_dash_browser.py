"""The Dash checklist in headless Chromium: a worker completes it with 14 "yes" and sees "Refer to Marac"."""

from pathlib import Path

import pytest

from tests.browser.chromium import needs_chromium
from tests.browser.conftest import browser_page  # noqa: F401  (fixture)
from tests.browser.console_sign_in import sign_in
from tests.console.conftest import console, http  # noqa: F401  (fixtures)
from tests.handoff.factories import make_handoff, make_staff

SCREENSHOT = Path("/tmp/shots/dash.png")

pytestmark = [pytest.mark.browser, needs_chromium]


async def test_a_worker_completes_the_checklist_and_is_prompted_to_refer(console, session, browser_page):  # noqa: F811
    from playwright.async_api import expect

    page, errors = browser_page
    make_staff(session, "jo.worker", name="Jo Bloggs")
    handoff = make_handoff(session, "sms:+447700900321", level="high", reason="risk", category="domestic_abuse")
    await sign_in(page, console.base_url, "jo.worker")
    await page.goto(f"{console.base_url}/console/conversations/{handoff.id}")
    await page.get_by_role("link", name="Dash risk checklist").click()
    await expect(page.get_by_role("heading", name="Dash risk checklist")).to_be_visible()

    questions = page.locator(".dash-questions fieldset")
    await expect(questions).to_have_count(24)
    for number in range(24):
        await questions.nth(number).get_by_label("Yes" if number < 14 else "No", exact=True).check()
    await page.get_by_role("button", name="Save checklist").click()

    await expect(page.locator("#marac-prompt")).to_contain_text("Refer to Marac. Score 14 of 24")
    await expect(questions.nth(13).get_by_label("Yes", exact=True)).to_be_checked()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert errors == []
