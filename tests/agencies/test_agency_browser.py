"""The agency Referrals page in headless Chromium: sign in, see the referral and its deadline, accept it with a note."""

from datetime import timedelta
from pathlib import Path

import pytest

from bot.models.base import utcnow
from tests.agencies.factories import make_agency, make_agency_user, make_referral
from tests.browser.chromium import needs_chromium
from tests.browser.conftest import browser_page  # noqa: F401  (fixture)
from tests.browser.console_sign_in import sign_in
from tests.console.conftest import console, http  # noqa: F401  (fixtures)

SCREENSHOT = Path("/tmp/shots/agency.png")

pytestmark = [pytest.mark.browser, needs_chromium]


async def test_an_agency_user_accepts_a_referral_with_a_note(console, session, browser_page):  # noqa: F811
    from playwright.async_api import expect

    page, errors = browser_page
    make_agency(session, "southmoor-ida", "Southmoor Independent Domestic Abuse Service")
    make_agency_user(session, "ida.desk", "southmoor-ida")
    make_referral(session, "southmoor-ida", "sms:+447700900555", first_name="Sam")
    make_referral(session, "southmoor-ida", "telegram:81234567")
    late = make_referral(session, "southmoor-ida", "sms:+447700900777", first_name="Robin")
    late.created_at = late.consent_given_at = utcnow() - timedelta(days=10)
    session.commit()
    await sign_in(page, console.base_url, "ida.desk")

    heading = page.get_by_role("heading", name="Referrals to Southmoor Independent Domestic Abuse Service")
    await expect(heading).to_be_visible()
    await expect(page.get_by_role("alert")).to_have_text("1 referral is overdue: please answer it first.")
    await expect(page.locator("tr", has_text="Robin").locator("td.respond-by")).to_contain_text("Overdue")
    await expect(page.locator("tr", has_text="Robin").locator("td.respond-by")).to_contain_text("Was due by")
    await expect(page.locator("tr", has_text="Sam").locator("td.respond-by")).to_contain_text("Respond by")
    row = page.locator("tr", has_text="Sam")
    await row.get_by_label("Note (optional)").fill("Kim will call on Monday morning")
    await row.get_by_role("button", name="Accept").click()

    await expect(page.get_by_role("status")).to_contain_text("Referral accepted.")
    await expect(page.locator("tr", has_text="Sam")).to_contain_text("Kim will call on Monday morning")
    await expect(page.get_by_role("navigation", name="Console").get_by_role("link")).to_have_text(["Referrals"])
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert errors == []
