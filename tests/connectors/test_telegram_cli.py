"""`python -m bot telegram set-webhook` against the fake Bot API."""

from __future__ import annotations

import pytest

from bot.settings import get_settings
from connectors.telegram.cli import main
from tests.fakes.telegram_api import FakeTelegramApi

SECRET = "cli-secret_123"


@pytest.fixture
def api(monkeypatch):
    with FakeTelegramApi() as fake:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", fake.token)
        monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", SECRET)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
        monkeypatch.setenv("HAVEN_PUBLIC_BASE_URL", "https://haven.example.org/")
        get_settings.cache_clear()
        yield fake
        get_settings.cache_clear()


def test_set_webhook_registers_url_secret_and_updates(api, capsys):
    assert main(["set-webhook"]) == 0

    [call] = api.calls_to("setWebhook")
    assert call.params["url"] == "https://haven.example.org/webhooks/telegram_haven/webhook"
    assert call.params["secret_token"] == SECRET
    assert call.params["allowed_updates"] == ["message", "edited_message", "callback_query"]
    assert call.params["drop_pending_updates"] in {"false", "False", False}
    assert "setWebhook ok" in capsys.readouterr().out


def test_webhook_info_and_delete(api, capsys):
    main(["set-webhook"])
    assert main(["webhook-info"]) == 0
    assert "https://haven.example.org/webhooks/telegram_haven/webhook" in capsys.readouterr().out
    assert main(["delete-webhook"]) == 0
    assert api.webhook == {}


def test_refuses_plain_http_unless_allowed(api, monkeypatch, capsys):
    monkeypatch.setenv("HAVEN_PUBLIC_BASE_URL", "http://127.0.0.1:5005")
    get_settings.cache_clear()
    assert main(["set-webhook"]) == 2
    assert "https://" in capsys.readouterr().err
    assert api.calls_to("setWebhook") == []

    assert main(["set-webhook", "--allow-http"]) == 0
    assert api.calls_to("setWebhook")[0].params["url"] == "http://127.0.0.1:5005/webhooks/telegram_haven/webhook"


@pytest.mark.parametrize(("variable", "value"), [
    ("TELEGRAM_BOT_TOKEN", ""), ("TELEGRAM_SECRET_TOKEN", ""), ("TELEGRAM_SECRET_TOKEN", "has spaces!"),
])
def test_refuses_without_token_or_valid_secret(api, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    assert main(["set-webhook"]) == 2
    assert api.calls == []


def test_api_error_is_reported(api, capsys):
    api.fail_next("setWebhook", error_code=500)
    assert main(["set-webhook"]) == 1
    assert "Telegram API error" in capsys.readouterr().err


def test_dispatched_from_bot_cli(api):
    from bot.__main__ import main as bot_main

    assert bot_main(["telegram", "set-webhook"]) == 0
