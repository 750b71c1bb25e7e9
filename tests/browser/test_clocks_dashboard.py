"""The Victims' Code clocks dashboard in headless Chromium: a supervisor sees overdue and due-today clocks under
their officers, the weekly "told in time" chart, and downloads the commissioner's CSV."""

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clocks import duties
from bot.clocks.models import CodeClock
from bot.feed.apply import apply_event
from bot.feed.schema import CaseEventBody
from tests.browser.chromium import needs_chromium
from tests.browser.console_sign_in import sign_in
from tests.cases.factories import make_case
from tests.clocks.conftest import clock_pass
from tests.console.conftest import console  # noqa: F401  (fixture)
from tests.feed.conftest import event
from tests.handoff.factories import make_staff

SCREENSHOT = Path("/tmp/shots/clocks.png")
NOW = datetime(2026, 12, 1, 12, 0)  # a Tuesday: a charge on Tuesday 24 November is due today (5 working days)
OVERDUE, DUE_TODAY, TOLD = "SP/20001/26", "SP/20002/26", "SP/20003/26"

pytestmark = [pytest.mark.browser, needs_chromium]


def _charged(session, reference: str, officer: str, on: str) -> None:
    """A case under `officer`, charged on `on` (the police system's feed event)."""
    make_case(session, reference=reference, officer_name=officer, contact=None)
    body = event("status_change", f"charge-{reference}", reference, occurred_at=f"{on}T10:00:00Z", status="charged")
    apply_event(session, CaseEventBody.parse_obj(body).__root__, source="force-rms")
    session.commit()


@pytest.fixture
def clocks_due(session, monkeypatch):
    """Three charges: one overdue (DC Priya Shah), one due today (DC Sam Okafor), one told in time weeks ago."""
    make_staff(session, "lee.super", role="supervisor")
    monkeypatch.setattr("bot.console.pages_clocks.utcnow", lambda: NOW)
    _charged(session, OVERDUE, "DC Priya Shah", "2026-11-03")
    _charged(session, DUE_TODAY, "DC Sam Okafor", "2026-11-24")
    _charged(session, TOLD, "DC Sam Okafor", "2026-10-27")  # due Tuesday 3 November
    clock_pass(session, NOW)
    told = session.scalar(select(CodeClock).where(CodeClock.due_on == datetime(2026, 11, 3).date()))
    told.stopped_at, told.stopped_by = datetime(2026, 10, 29, 15, 0), duties.TOLD_BY_STAFF
    session.commit()


async def test_supervisor_sees_clocks_by_officer_the_weekly_chart_and_exports_csv(
    console, clocks_due, browser_page  # noqa: F811
):
    from playwright.async_api import expect

    page, errors = browser_page
    await sign_in(page, console.base_url, "lee.super")
    await page.get_by_role("link", name="Clocks").first.click()
    await expect(page.get_by_role("heading", name="Victims' Code clocks")).to_be_visible()

    overdue = page.get_by_role("region", name="Overdue")
    await expect(overdue.get_by_role("heading", name="DC Priya Shah")).to_be_visible()
    await expect(overdue.get_by_role("row").filter(has_text=OVERDUE)).to_contain_text("Tue 10 Nov 2026")
    await expect(overdue).not_to_contain_text(DUE_TODAY)
    today = page.get_by_role("region", name="Due today")
    await expect(today.get_by_role("heading", name="DC Sam Okafor")).to_be_visible()
    await expect(today.get_by_role("row").filter(has_text=DUE_TODAY)).to_contain_text("Tue 1 Dec 2026")
    await expect(today).not_to_contain_text(OVERDUE)

    chart = page.locator("svg#compliance-chart")
    await expect(chart).to_be_visible()
    await expect(chart.locator("rect")).to_have_count(8)  # one bar per week, the last 8 weeks
    await expect(chart).to_contain_text("2 Nov: 1 of 1 told in time")
    await expect(chart).to_contain_text("9 Nov: 0 of 1 told in time")
    bar_heights = [int(await bar.get_attribute("height")) for bar in await chart.locator("rect").all()]
    assert bar_heights[3] > 0 and bar_heights[4] == 0  # 2 Nov: 100%; 9 Nov: 0%
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOT), full_page=True)

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Export CSV for the commissioner").click()
    download = await download_info.value
    assert download.suggested_filename.startswith("victims-code-clocks-")
    exported = Path(await download.path()).read_text()
    assert OVERDUE in exported and DUE_TODAY in exported and "DC Priya Shah" in exported
    assert errors == []
