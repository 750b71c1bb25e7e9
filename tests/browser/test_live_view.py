"""The live conversations view in headless Chromium: highest risk first, live arrivals, filters, take-over."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.events import ActionExecuted, ConversationPaused, UserUttered

from tests.browser.chromium import needs_chromium
from tests.browser.console_sign_in import sign_in
from tests.console.conftest import console, http  # noqa: F401  (fixtures)
from tests.handoff.factories import make_handoff, make_staff

SCREENSHOT = Path("/tmp/live_view.png")

pytestmark = [pytest.mark.browser, needs_chromium]


def said(text: str, **risk) -> UserUttered:
    return UserUttered(text, parse_data={"intent": {"name": "inform"}, "risk": risk})


async def seed_day(console, session) -> None:  # noqa: F811
    """A realistic spread: chats with the bot, one to watch, one waiting and one with staff."""
    jo = make_staff(session, "sam.worker", name="Sam Patel")
    for sender, score in (("sms:+447700900101", 0.03), ("webchat:c41d7e02", 0.0), ("telegram:880013", 0.12)):
        await console.seed(sender, [ActionExecuted("action_listen"), said("when is my court date?", score=score)])
    await console.seed(
        "sms:+447700900257",
        [
            ActionExecuted("action_listen"),
            said("I can't sleep, he keeps driving past", score=0.46, band="uncertain", category="stalking"),
        ],
    )
    await console.seed(
        "webchat:9f1c2a77",
        [ActionExecuted("action_listen"), said("I want a person", score=0.08), ConversationPaused()],
    )
    make_handoff(session, "webchat:9f1c2a77", reason="requested")
    await console.seed(
        "telegram:424242",
        [
            ActionExecuted("action_listen"),
            said(
                "he hit me again last night",
                escalate=True,
                level="high",
                category="domestic_abuse",
                score=0.88,
                band="escalate",
            ),
            ConversationPaused(),
        ],
    )
    held = make_handoff(session, "telegram:424242", level="high", reason="risk", category="domestic_abuse")
    held.claimed_by, held.status = jo.id, "active"
    session.commit()


async def test_worker_sees_every_conversation_highest_risk_first_live_and_can_take_one_over(
    console,  # noqa: F811
    session,
    browser_page,
):
    from playwright.async_api import expect

    page, errors = browser_page
    make_staff(session, "jo.worker", name="Jo Bloggs")
    await seed_day(console, session)
    await sign_in(page, console.base_url, "jo.worker")
    await page.get_by_role("link", name="Live conversations").click()
    await expect(page.get_by_role("heading", name="Live conversations")).to_be_visible()
    rows = page.locator("#live-body tr")
    await expect(rows).to_have_count(6)
    await expect(rows.first).to_contain_text("0.88")
    await expect(rows.first).to_contain_text("domestic abuse")
    await expect(rows.first).to_contain_text("With staff")
    await expect(rows.nth(1)).to_contain_text("Watch")
    await expect(rows.nth(1)).to_contain_text("stalking")

    await console.seed(
        "sms:+447700900999",
        [
            ActionExecuted("action_listen"),
            said(
                "he says he will kill me tonight",
                escalate=True,
                level="imminent",
                category="threat_to_life",
                score=0.97,
                band="escalate",
            ),
        ],
    )
    await expect(rows).to_have_count(7, timeout=6000)  # arrives without a reload
    await expect(rows.first).to_contain_text("0.97")
    await expect(rows.first).to_contain_text("threat to life")
    await expect(rows.first).to_contain_text("Watch")
    await expect(rows.first.locator(".score")).to_have_class("score score-escalate")
    await page.mouse.move(0, 0)
    await page.screenshot(path=str(SCREENSHOT), full_page=True)

    await page.get_by_label("Risk", exact=True).select_option("escalated")
    await expect(rows).to_have_count(2)
    assert page.url.endswith("/console/live?risk=escalated")
    await page.get_by_label("Risk", exact=True).select_option("all")
    await page.get_by_label("State", exact=True).select_option("bot")
    await expect(rows).to_have_count(3)
    await page.get_by_label("State", exact=True).select_option("")
    await expect(rows).to_have_count(7)  # the full list is back before a row is opened
    await expect(rows.first).to_contain_text("0.97")

    await rows.first.get_by_role("link", name="Open").click()
    await expect(page.locator(".msg-user")).to_contain_text("he says he will kill me tonight")
    await page.screenshot(path="/tmp/live_conversation.png", full_page=True)
    await page.get_by_role("button", name="Take over this conversation").click()
    await expect(page.get_by_role("status")).to_have_text("You are now handling this conversation.")
    await expect(page.locator(".msg-staff").last).to_contain_text("has joined this chat")
    await expect(page.get_by_label("Reply to the victim")).to_be_visible()
    await page.get_by_role("link", name="Live conversations").click()
    await expect(rows.first).to_contain_text("With staff")
    await expect(rows.first).to_contain_text("jo.worker")
    assert errors == []
