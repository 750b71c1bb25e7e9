"""The staff console in headless Chromium: log in, watch the queue update live, claim, reply, close."""

from pathlib import Path

import pytest
from rasa.shared.core.events import ActionExecuted, ConversationPaused, UserUttered

from tests.browser.chromium import needs_chromium
from tests.browser.console_sign_in import sign_in
from tests.console.conftest import console, http  # noqa: F401  (fixtures)
from tests.handoff.factories import make_handoff, make_staff

SENDER = "webchat:9f1c2a77"
SCREENSHOTS = Path("/tmp")

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


def risky(text):
    return UserUttered(
        text,
        parse_data={
            "intent": {"name": "risk_disclosure"},
            "risk": {"escalate": True, "level": "imminent", "category": "domestic_abuse", "matched": ["kill me"]},
        },
    )


async def test_worker_sees_an_urgent_arrival_live_claims_replies_and_closes(console, session, browser_page):  # noqa: F811
    from playwright.async_api import expect

    page, errors = browser_page
    make_staff(session, "jo.worker", name="Jo Bloggs")
    make_handoff(session, "sms:+447700900321", reason="requested")
    await sign_in(page, console.base_url, "jo.worker")
    await expect(page.get_by_role("heading", name="Conversations waiting")).to_be_visible()
    await page.get_by_role("button", name="Turn on sound alerts").click()
    await expect(page.locator("#queue-body tr")).to_have_count(1)

    await console.seed(
        SENDER, [ActionExecuted("action_listen"), risky("He says he's going to kill me"), ConversationPaused()]
    )
    handoff = make_handoff(session, SENDER, level="imminent", reason="risk", category="domestic_abuse")
    announcement = "New imminent risk conversation waiting (risk detected)."
    await expect(page.locator("#urgent-banner")).to_have_text(announcement, timeout=6000)
    await expect(page.locator("#queue-announcer")).to_have_text(announcement)
    first_row = page.locator("#queue-body tr").first
    await expect(first_row).to_contain_text("Imminent risk")
    await expect(first_row).to_contain_text("domestic abuse")
    await page.screenshot(path=str(SCREENSHOTS / "haven_console_queue.png"), full_page=True)

    await first_row.get_by_role("link", name="Open").click()
    await expect(page.locator(".msg-risk")).to_contain_text("Risk: imminent · domestic abuse")
    await page.get_by_role("button", name="Claim this conversation").click()
    await expect(page.get_by_role("status")).to_have_text("You are now handling this conversation.")
    await page.get_by_label("Canned response").select_option(label="Check safety")
    await expect(page.get_by_label("Reply to the victim")).to_have_value(
        "Are you somewhere safe at the moment? If you are in danger, please call 999 straight away."
    )
    await page.get_by_label("Reply to the victim").fill("I'm Jo from the gateway. Are you somewhere safe?")
    await page.get_by_role("button", name="Send reply").click()
    await expect(page.locator(".msg-staff")).to_contain_text("I'm Jo from the gateway. Are you somewhere safe?")

    await console.seed(SENDER, [UserUttered("yes I'm at my sister's", parse_data={"intent": {"name": "affirm"}})])
    await expect(page.locator(".msg-user").last).to_contain_text("yes I'm at my sister's", timeout=6000)
    await page.get_by_label("Add a note (never shown to the victim)").fill("Safe at sister's; gave helpline.")
    await page.get_by_role("button", name="Save note").click()
    await expect(page.locator(".notes")).to_contain_text("Safe at sister's; gave helpline.")
    await page.screenshot(path=str(SCREENSHOTS / "haven_console_conversation.png"), full_page=True)

    await page.get_by_label("Outcome").select_option("advice_given")
    await page.get_by_label("Hand back to the bot").check()
    await page.get_by_role("button", name="Close conversation").click()
    await expect(page.get_by_role("status")).to_have_text("Conversation closed.")
    await expect(page.locator(".msg-system").last).to_contain_text("Conversation handed back to the bot")
    session.expire_all()
    assert (handoff.status, handoff.outcome) == ("closed", "advice_given")
    assert errors == []


async def test_staff_see_messages_the_victim_did_not_receive(console, session, browser_page):  # noqa: F811
    from playwright.async_api import expect

    from bot.models.messaging import OutboxMessage

    page, _errors = browser_page
    make_staff(session, "jo.worker", name="Jo Bloggs")
    await console.seed(SENDER, [ActionExecuted("action_listen"), risky("he's outside"), ConversationPaused()])
    handoff = make_handoff(session, SENDER, level="imminent", reason="risk", category="domestic_abuse")
    session.add(OutboxMessage(channel="webchat", recipient=SENDER.split(":", 1)[1], payload={"text": "private"},
                              origin="staff", status="failed", attempts=10, last_error="WebChatOffline"))
    session.commit()
    await sign_in(page, console.base_url, "jo.worker")
    await page.goto(f"{console.base_url}/console/conversations/{handoff.id}")
    problems = page.get_by_role("alert").filter(has_text="Messages not delivered")
    await expect(problems).to_contain_text("staff message: failed (WebChatOffline)")
    await expect(problems).not_to_contain_text("private")
    await page.screenshot(path=str(SCREENSHOTS / "haven_console_undelivered.png"), full_page=True)
