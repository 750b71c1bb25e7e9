"""Haven's chat page in headless Chromium: a conversation, keyboard-only use, and "Exit this page"."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.settings import get_settings
from connectors.webchat.session import session_of
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, needs_chromium
from tests.connectors.test_webchat_harness import RunningChat, running_chat_server

SESSION_KEY = "haven.chat.session"
WAIT_MS = 5000

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


@pytest.fixture
async def exit_page_url() -> AsyncIterator[str]:
    """A local stand-in for the quick-exit destination (a weather page)."""

    async def weather(_: web.Request) -> web.Response:
        return web.Response(text="<!doctype html><title>Weather</title><h1>Weather</h1>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/weather", weather)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    site = web.SockSite(runner, sock)
    await site.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/weather"
    await runner.cleanup()


@pytest.fixture
async def chat(db_url, monkeypatch, exit_page_url: str) -> AsyncIterator[RunningChat]:
    monkeypatch.setenv("HAVEN_ENV", "test")
    monkeypatch.setenv("HAVEN_QUICK_EXIT_URL", exit_page_url)
    get_settings.cache_clear()
    async with running_chat_server() as running:
        yield running
    get_settings.cache_clear()


@pytest.fixture
async def browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


async def _open_chat(browser, chat: RunningChat, width: int = 1280, height: int = 800):
    page = await browser.new_page(viewport={"width": width, "height": height})
    page.console_errors = []  # e.g. a Content-Security-Policy violation
    page.websocket_urls = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("websocket", lambda websocket: page.websocket_urls.append(websocket.url))
    response = await page.goto(f"{chat.base_url}/chat")
    assert response.headers["x-frame-options"] == "DENY"
    await page.get_by_text("Connected.").wait_for(timeout=WAIT_MS)
    return page


async def _bot_said(page, text: str) -> None:
    await page.locator(".message.bot", has_text=text).wait_for(timeout=WAIT_MS)


async def test_a_short_conversation_with_a_quick_reply(chat: RunningChat, browser) -> None:
    page = await _open_chat(browser, chat)
    assert await page.get_by_text(
        "This chat is with Haven, an automated assistant. In an emergency call 999."
    ).is_visible()

    await page.get_by_label("Your message").fill("Someone broke into my shed")
    await page.get_by_role("button", name="Send").click()
    await _bot_said(page, "You said: Someone broke into my shed")
    await page.get_by_role("button", name="Yes please").click()
    await _bot_said(page, "Thank you. Someone will be in touch.")

    assert await page.locator(".message.user .text").all_inner_texts() == ["Someone broke into my shed", "Yes please"]
    assert await page.get_by_role("button", name="Yes please").count() == 0
    token = await page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")  # signed by the server
    assert [m.sender_id for m in chat.agent.received] == [f"webchat:{session_of(token, chat.channel.secret_key)}"] * 2
    assert [m.text for m in chat.agent.received] == ["Someone broke into my shed", "/affirm"]
    assert any("/socket.io/" in url for url in page.websocket_urls)  # the CSP lets the socket upgrade
    assert page.console_errors == []
    if os.environ.get("HAVEN_SCREENSHOTS"):  # for a human look at the layout
        await page.screenshot(path="/tmp/haven_chat_desktop.png")


async def test_the_chat_works_with_the_keyboard_alone(chat: RunningChat, browser) -> None:
    page = await _open_chat(browser, chat, width=360, height=640)

    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "quick-exit"
    for _ in range(5):
        if await page.evaluate("document.activeElement.id") == "message":
            break
        await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "message"
    await page.keyboard.type("hello")
    await page.keyboard.press("Enter")
    await _bot_said(page, "Would you like to hear about support near you?")
    if os.environ.get("HAVEN_SCREENSHOTS"):
        await page.screenshot(path="/tmp/haven_chat_360.png")

    await page.keyboard.press("Shift+Tab")  # from the message box back to the last suggested reply
    assert await page.evaluate("document.activeElement.textContent") == "No thanks"
    await page.keyboard.press("Shift+Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Yes please"
    outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    await page.keyboard.press("Enter")
    await _bot_said(page, "Thank you. Someone will be in touch.")
    assert await page.evaluate("document.activeElement.id") == "message"


async def test_a_typing_indicator_shows_while_haven_composes_a_reply(chat: RunningChat, browser) -> None:
    page = await _open_chat(browser, chat)
    typing = page.get_by_text("Haven is typing")

    await page.get_by_label("Your message").fill("take your time")
    await page.keyboard.press("Enter")
    await typing.wait_for(state="visible", timeout=WAIT_MS)
    chat.agent.hold.set()
    await _bot_said(page, "You said: take your time")
    await typing.wait_for(state="hidden", timeout=WAIT_MS)


@pytest.mark.parametrize("how", ["button", "shift three times"])
async def test_exit_this_page_leaves_for_the_exit_page_and_forgets_the_chat(
    chat: RunningChat, browser, exit_page_url: str, how: str
) -> None:
    page = await _open_chat(browser, chat)
    await page.get_by_label("Your message").fill("hello")
    await page.keyboard.press("Enter")
    await _bot_said(page, "You said: hello")
    assert await page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")

    if how == "button":
        await page.get_by_role("button", name="Emergency Exit this page").click()
    else:
        await page.get_by_label("Your message").focus()
        for _ in range(3):
            await page.keyboard.press("Shift")
    await page.wait_for_url(exit_page_url, timeout=WAIT_MS)

    await page.go_back()
    assert "/chat" not in page.url  # the chat page was replaced in history, so Back cannot return to it
    await page.goto(f"{chat.base_url}/webhooks/webchat/")  # same origin and tab, no script of ours
    assert await page.evaluate("sessionStorage.length") == 0


async def test_escape_or_typing_capitals_does_not_leave_by_accident(chat: RunningChat, browser) -> None:
    page = await _open_chat(browser, chat)
    box = page.get_by_label("Your message")
    await box.focus()
    await page.keyboard.press("Escape")
    await page.keyboard.type("Hello There, I Am OK")  # Shift held for each capital: not a press on its own
    await page.keyboard.press("Shift")
    await page.keyboard.press("Shift")
    assert await page.get_by_text("Shift, press 1 more time to exit.").count() == 1  # told, for screen readers
    assert await page.locator("#exit-indicator span.on").count() == 2
    await page.keyboard.press("a")  # another key starts the count again
    await page.keyboard.press("Shift")
    assert "/chat" in page.url and await box.input_value() == "Hello There, I Am OKa"
    assert await page.locator("#exit-indicator span.on").count() == 1


@pytest.mark.parametrize(("width", "height"), [(360, 640), (320, 568), (1280, 800)])
async def test_the_exit_button_stays_on_screen_on_phones_too(
    chat: RunningChat, browser, width: int, height: int
) -> None:
    page = await _open_chat(browser, chat, width=width, height=height)
    for number in range(12):  # a long conversation that scrolls
        await page.get_by_label("Your message").fill(f"message number {number}")
        await page.keyboard.press("Enter")
        await _bot_said(page, f"You said: message number {number}")
    await page.mouse.wheel(0, 5000)
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    button = page.get_by_role("button", name="Emergency Exit this page")
    box = await button.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height
    assert box["height"] >= 44 and box["x"] + box["width"] <= width  # a thumb-sized target, not cut off
    assert await button.is_visible()
    if os.environ.get("HAVEN_SCREENSHOTS"):
        await page.screenshot(path=f"/tmp/haven_exit_{width}.png")


async def test_a_session_id_the_server_did_not_sign_opens_a_new_empty_conversation(chat: RunningChat, browser) -> None:
    page = await _open_chat(browser, chat)
    await page.get_by_label("Your message").fill("my first words")
    await page.keyboard.press("Enter")
    await _bot_said(page, "You said: my first words")
    mine = chat.agent.received[0].sender_id
    forged = "0123456789abcdef0123456789abcdef"  # e.g. someone else's session id, typed into the tab
    await page.evaluate(f"sessionStorage.setItem('{SESSION_KEY}', '{forged}')")

    await page.reload()
    await page.get_by_text("Connected.").wait_for(timeout=WAIT_MS)
    assert await page.locator(".message").count() == 0  # the old conversation is not shown as this one
    assert await page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')") not in (forged, None)
    await page.get_by_label("Your message").fill("hello again")
    await page.keyboard.press("Enter")
    await _bot_said(page, "You said: hello again")
    senders = [m.sender_id for m in chat.agent.received]
    assert len(set(senders)) == 2 and senders[0] == mine and f"webchat:{forged}" not in senders
    assert page.console_errors == []
