"""Production is the default, and Haven refuses to serve in it until every secret it needs is set."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.serving_checks import require_ready_to_serve, serving_problems
from bot.settings import Settings, SettingsError

SECRET_KEY = "k" * 16 + "a-long-random-production-secret"
COMPLETE = {
    "HAVEN_SECRET_KEY": SECRET_KEY,
    "HAVEN_DATA_KEYS": Fernet.generate_key().decode(),
    "HAVEN_REST_TOKENS": "partner:0123456789abcdef0123",
    "TWILIO_ACCOUNT_SID": "AC0123456789",
    "TWILIO_AUTH_TOKEN": "0123456789abcdef0123456789abcdef",
    "TWILIO_FROM_NUMBER": "+447700900000",
    "TELEGRAM_BOT_TOKEN": "123456:ABCdef",
    "TELEGRAM_SECRET_TOKEN": "telegram-secret_0123456789",
}
HAVEN_VARIABLES = ("HAVEN_", "TWILIO_", "TELEGRAM_", "REDIS_URL")


@pytest.fixture(name="environment")
def clean_environment(monkeypatch):
    """An environment with none of Haven's variables; the test sets what it needs."""
    import os

    for name in list(os.environ):
        if name.startswith(HAVEN_VARIABLES):
            monkeypatch.delenv(name)

    def settings(**values: str) -> Settings:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return Settings.from_env()

    return settings


def test_without_haven_env_it_is_production_and_refuses_to_serve(environment) -> None:
    settings = environment()
    assert settings.environment == "production" and not settings.is_development
    problems = "\n".join(serving_problems(settings))
    assert "HAVEN_SECRET_KEY" in problems and "HAVEN_DATA_KEYS" in problems
    with pytest.raises(SettingsError, match="HAVEN_ENV=development for a local trial"):
        require_ready_to_serve(settings)


@pytest.mark.parametrize("mode", ["development", "test"])
def test_development_and_test_serve_without_secrets(environment, mode: str) -> None:
    assert serving_problems(environment(HAVEN_ENV=mode)) == []


def test_a_complete_production_environment_may_serve(environment) -> None:
    assert serving_problems(environment(**COMPLETE)) == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"HAVEN_SECRET_KEY": "changeme"}, "HAVEN_SECRET_KEY"),
        ({"HAVEN_SECRET_KEY": "too-short"}, "HAVEN_SECRET_KEY"),
        ({"HAVEN_DATA_KEYS": ""}, "HAVEN_DATA_KEYS"),
        ({"HAVEN_REST_TOKENS": "partner:short"}, "'partner'"),
        ({"HAVEN_REST_TOKENS": "", "HAVEN_REST_CALLBACK_URL": "https://partner.example/cb"}, "HAVEN_REST_TOKENS"),
        ({"TWILIO_AUTH_TOKEN": ""}, "TWILIO_AUTH_TOKEN"),
        ({"TWILIO_FROM_NUMBER": ""}, "TWILIO_FROM_NUMBER"),
        ({"TELEGRAM_SECRET_TOKEN": ""}, "TELEGRAM_SECRET_TOKEN"),
        ({"TELEGRAM_SECRET_TOKEN": "has spaces in it, not allowed"}, "TELEGRAM_SECRET_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": ""}, "TELEGRAM_BOT_TOKEN"),
        ({"HAVEN_RASA_API_ENABLED": "1"}, "HAVEN_RASA_API_TOKEN"),
        (
            {"HAVEN_RASA_API_ENABLED": "1", "HAVEN_RASA_API_TOKEN": "0123456789abcdef01", "HAVEN_BIND_HOST": "0.0.0.0"},
            "HAVEN_BIND_HOST",
        ),
    ],
)
def test_each_missing_or_weak_secret_is_named(environment, change: dict, named: str) -> None:
    problems = serving_problems(environment(**{**COMPLETE, **change}))
    assert len(problems) == 1 and named in problems[0]


def test_a_channel_left_unconfigured_needs_no_secret(environment) -> None:
    unconfigured = {name: "" for name in COMPLETE if name.startswith(("TWILIO_", "TELEGRAM_", "HAVEN_REST"))}
    assert serving_problems(environment(**{**COMPLETE, **unconfigured})) == []


def test_rest_tokens_name_one_integration_each(environment) -> None:
    settings = environment(HAVEN_REST_TOKENS=" a-1:tok-one , b_2:tok-two ")
    assert settings.rest_tokens == (("a-1", "tok-one"), ("b_2", "tok-two"))
    assert environment(HAVEN_REST_TOKENS="", HAVEN_REST_TOKEN="single").rest_tokens == (("default", "single"),)


@pytest.mark.parametrize(
    "values",
    [
        {"HAVEN_REST_TOKENS": "a:one", "HAVEN_REST_TOKEN": "two"},
        {"HAVEN_REST_TOKENS": "a:same,b:same"},
        {"HAVEN_REST_TOKENS": "a:one,a:two"},
        {"HAVEN_REST_TOKENS": "Not A Name:one"},
        {"HAVEN_REST_TOKENS": "a:"},
        {"HAVEN_RATE_LIMIT_SENDER": "lots"},
        {"HAVEN_RATE_LIMIT_ADDRESS": "10 per fortnight"},
    ],
)
def test_unusable_settings_are_refused_in_every_mode(environment, values: dict) -> None:
    with pytest.raises(SettingsError):
        environment(HAVEN_ENV="development", **values)
