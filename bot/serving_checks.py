"""Before Haven serves anyone outside development: every secret it needs is set, or it refuses to start."""

from __future__ import annotations

import re

from bot.settings import PLACEHOLDERS, Settings, SettingsError, get_settings

MIN_SECRET_KEY_CHARS = 32
MIN_TOKEN_CHARS = 16
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what the Bot API accepts as secret_token


def _weak(value: str, minimum: int = MIN_TOKEN_CHARS) -> bool:
    return value.lower() in PLACEHOLDERS or len(value) < minimum


def _secret_key_problems(settings: Settings) -> list[str]:
    if not settings.secret_key_set or _weak(settings.secret_key, MIN_SECRET_KEY_CHARS):
        return [f"HAVEN_SECRET_KEY must be a random value of at least {MIN_SECRET_KEY_CHARS} characters"]
    return []


def _data_key_problems(settings: Settings) -> list[str]:
    if not settings.data_keys:  # bot.privacy.keys: conversations are encrypted with the first
        return ["HAVEN_DATA_KEYS must be set: conversations are encrypted with it (python -m bot keys generate)"]
    return []


def _rest_problems(settings: Settings) -> list[str]:
    problems = [
        f"HAVEN_REST_TOKENS: the token of {name!r} must be at least {MIN_TOKEN_CHARS} random characters"
        for name, token in settings.rest_tokens
        if _weak(token)
    ]
    if settings.rest_callback_url and not settings.rest_tokens:
        problems.append("HAVEN_REST_CALLBACK_URL is set but the REST channel has no HAVEN_REST_TOKENS")
    return problems


def _sms_problems(settings: Settings) -> list[str]:
    fields = {
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "TWILIO_FROM_NUMBER": settings.twilio_from_number,
    }
    if not any(fields.values()):
        return []  # SMS is not set up: its webhook refuses every request
    problems = [f"{name} must be set for SMS" for name, value in fields.items() if not value]
    if settings.twilio_auth_token and _weak(settings.twilio_auth_token):
        problems.append("TWILIO_AUTH_TOKEN looks like a placeholder")
    return problems


def _telegram_problems(settings: Settings) -> list[str]:
    bot_token, secret = settings.telegram_bot_token, settings.telegram_secret_token
    if not bot_token and not secret:
        return []  # Telegram is not set up: its webhook refuses every request
    problems = [] if bot_token else ["TELEGRAM_BOT_TOKEN must be set for Telegram"]
    if _weak(secret) or not _TELEGRAM_SECRET.match(secret):
        problems.append(f"TELEGRAM_SECRET_TOKEN must be {MIN_TOKEN_CHARS}-256 characters of A-Z, a-z, 0-9, _ and -")
    return problems


def _rasa_api_problems(settings: Settings) -> list[str]:
    if not settings.rasa_api_enabled:
        return []
    problems = []
    if _weak(settings.rasa_api_token):
        problems.append(f"HAVEN_RASA_API_TOKEN must be at least {MIN_TOKEN_CHARS} random characters")
    if settings.bind_host not in LOOPBACK_HOSTS:
        problems.append("HAVEN_RASA_API_ENABLED needs HAVEN_BIND_HOST on loopback: the API must not be public")
    return problems


def serving_problems(settings: Settings) -> list[str]:
    """Why Haven must not serve with these settings (empty when it may); development and test skip the checks."""
    if settings.is_development:
        return []
    checks = (
        _secret_key_problems,
        _data_key_problems,
        _rest_problems,
        _sms_problems,
        _telegram_problems,
        _rasa_api_problems,
    )
    return [problem for check in checks for problem in check(settings)]


def require_ready_to_serve(settings: Settings | None = None) -> None:
    """Raise SettingsError naming every missing or weak secret (called before any channel is served)."""
    settings = settings or get_settings()
    problems = serving_problems(settings)
    if problems:
        listed = "\n  - ".join(problems)
        raise SettingsError(
            f"Haven will not start in HAVEN_ENV={settings.environment}:\n  - {listed}\n"
            "Set them (see README, Configuration), or set HAVEN_ENV=development for a local trial."
        )
