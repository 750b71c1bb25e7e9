"""The chat page over HTTP: served at /chat with strict headers, / redirects, only known static files."""

from __future__ import annotations

import aiohttp
import pytest

from bot.settings import Settings, get_settings
from connectors.webchat.inbound import origin_allowed
from tests.connectors.test_webchat_harness import running_chat_server


@pytest.fixture(autouse=True)
def test_settings(monkeypatch):
    monkeypatch.setenv("HAVEN_ENV", "test")
    monkeypatch.setenv("HAVEN_QUICK_EXIT_URL", "https://example.org/leave")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_chat_page_is_served_with_strict_security_headers(db_url) -> None:
    async with (
        running_chat_server() as chat,
        aiohttp.ClientSession() as http,
        http.get(f"{chat.base_url}/chat") as page,
    ):
        html = await page.text()
        headers = page.headers

    assert page.status == 200
    assert "This chat is with Haven, an automated assistant. In an emergency call 999." in html
    assert 'data-quick-exit-url="https://example.org/leave"' in html
    assert "Exit this page" in html and 'aria-live="polite"' in html and '<label for="message">' in html
    assert 'href="https://example.org/leave" role="button" id="quick-exit"' in html  # works without script too
    assert "press the Shift key 3 times" in html and "Esc" not in html
    assert "https://cdn" not in html and "<script>" not in html
    assert headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


async def test_root_redirects_to_the_chat_page() -> None:
    async with (
        running_chat_server() as chat,
        aiohttp.ClientSession() as http,
        http.get(f"{chat.base_url}/", allow_redirects=False) as root,
    ):
        assert root.status == 302
        assert root.headers["Location"] == "/chat"


async def test_rasa_api_root_is_left_alone() -> None:
    async with running_chat_server(with_rasa_root=True) as chat, aiohttp.ClientSession() as http:
        async with http.get(f"{chat.base_url}/", allow_redirects=False) as root:
            assert root.status == 200
            assert await root.text() == "Hello from Rasa"
        async with http.get(f"{chat.base_url}/chat") as page:
            assert page.status == 200


async def test_only_the_page_own_static_files_are_served() -> None:
    async with running_chat_server() as chat, aiohttp.ClientSession() as http:
        async with http.get(f"{chat.base_url}/chat/static/vendor/socket.io.min.js") as vendored:
            assert vendored.status == 200
            assert (await vendored.text()).startswith("/*!\n * Socket.IO v4.8.4")
        async with http.get(f"{chat.base_url}/chat/static/chat.js") as script:
            assert script.status == 200
            assert script.headers["Content-Type"].startswith("text/javascript")
        for path in ("/chat/static/../webchat.py", "/chat/static/%2e%2e/webchat.py", "/chat/static/missing.js"):
            async with http.get(f"{chat.base_url}{path}") as other:
                assert other.status == 404


async def test_channel_health_route_is_at_its_webhook_path() -> None:
    async with (
        running_chat_server() as chat,
        aiohttp.ClientSession() as http,
        http.get(f"{chat.base_url}/webhooks/webchat/") as health,
    ):
        assert await health.json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("environment", "origin", "allowed"),
    [
        ("production", "https://haven.example.org", True),
        ("production", "https://evil.example.com", False),
        ("production", "http://localhost:8000", False),
        ("development", "http://localhost:8000", True),
        ("development", "http://127.0.0.1:5005", True),
        ("development", "https://evil.example.com", False),
        ("production", None, True),
    ],
)
def test_socket_origins_are_limited_to_haven_and_local_development(
    environment: str, origin: str | None, allowed: bool
) -> None:
    settings = Settings(environment=environment, public_base_url="https://haven.example.org")

    assert origin_allowed(origin, settings) is allowed
