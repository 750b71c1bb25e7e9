"""Haven's chat page in headless Chromium: a conversation, keyboard-only use, and the quick exit."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.settings import get_settings
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
async def chat(monkeypatch, exit_page_url: str) -> AsyncIterator[RunningChat]:
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
    session_id = await page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")
    assert [m.sender_id for m in chat.agent.received] == [f"webchat:{session_id}"] * 2
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


@pytest.mark.parametrize("how", ["button", "escape"])
async def test_quick_exit_leaves_for_the_exit_page_and_forgets_the_chat(
    chat: RunningChat, browser, exit_page_url: str, how: str
) -> None:
    page = await _open_chat(browser, chat)
    await page.get_by_label("Your message").fill("hello")
    await page.keyboard.press("Enter")
    await _bot_said(page, "You said: hello")
    assert await page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')")

    if how == "button":
        await page.get_by_role("button", name="Quick exit").click()
    else:
        await page.get_by_label("Your message").focus()
        await page.keyboard.press("Escape")
    await page.wait_for_url(exit_page_url, timeout=WAIT_MS)

    await page.go_back()
    assert "/chat" not in page.url  # the chat page was replaced in history, so Back cannot return to it
    await page.goto(f"{chat.base_url}/webhooks/webchat/")  # same origin and tab, no script of ours
    assert await page.evaluate("sessionStorage.length") == 0
