"""Haven's settings, read from the environment in this one place."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "haven.db"
PLACEHOLDERS = {"", "changeme", "change-me", "secret", "password"}


class SettingsError(RuntimeError):
    """Raised when the environment holds an unusable setting."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise SettingsError(f"{name} must be a whole number") from error


def _env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _env(name, default).lower()
    if value not in choices:
        raise SettingsError(f"{name} must be one of: {', '.join(choices)}")
    return value


@dataclass(frozen=True)
class Settings:
    """Every knob Haven reads; build with `Settings.from_env()` or `get_settings()`."""

    environment: str = "development"
    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    timezone: str = "Europe/London"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_api_token: str = field(default="", repr=False)
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    public_base_url: str = "http://localhost:5005"
    console_api_token: str = field(default="", repr=False)  # retired shared API token: refused, with advice
    totp_workers: str = "required"  # staff two-step sign-in for workers: "required" or "optional" (supervisors: always)
    twilio_account_sid: str = ""
    twilio_auth_token: str = field(default="", repr=False)
    twilio_from_number: str = ""
    twilio_api_base_url: str = "https://api.twilio.com"
    telegram_bot_token: str = field(default="", repr=False)
    telegram_secret_token: str = field(default="", repr=False)
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    gateway_hours: str = "Mon-Fri 08:00-20:00, Sat 09:00-17:00"
    rest_callback_url: str = ""
    rest_token: str = field(default="", repr=False)
    quick_exit_url: str = "https://www.bbc.co.uk/weather"
    verification_max_failures: int = 3
    verification_lock_minutes: int = 30
    verification_alert_senders: int = 3
    handoff_recovery_seconds: int = 5  # how often lost escalations are looked for (bot/handoff/reconcile.py)
    risk_patterns_dir: Path = PROJECT_ROOT / "data" / "risk"
    directory_file: Path = PROJECT_ROOT / "data" / "directory" / "agencies.yml"
    sample_cases_file: Path = PROJECT_ROOT / "data" / "sample" / "cases.yml"
    encoder_dir: Path = PROJECT_ROOT / "models" / "encoder"
    risk_model_dir: Path = PROJECT_ROOT / "models" / "risk"
    risk_corpus_dir: Path = PROJECT_ROOT / "data" / "risk_corpus"
    domain_file: Path = PROJECT_ROOT / "domain.yml"

    @property
    def is_development(self) -> bool:
        return self.environment in {"development", "test"}

    @classmethod
    def from_env(cls) -> Settings:
        """Read settings from environment variables (see the README's table)."""
        environment = _env("HAVEN_ENV", "development")
        secret_key = _env("HAVEN_SECRET_KEY")
        if environment not in {"development", "test"} and secret_key.lower() in PLACEHOLDERS:
            raise SettingsError("HAVEN_SECRET_KEY must be set to a long random value outside development")
        values: dict = {
            "environment": environment,
            "database_url": _env("DATABASE_URL") or cls.database_url,
            "timezone": _env("HAVEN_TIMEZONE", cls.timezone),
            "rasa_url": _env("HAVEN_RASA_URL", cls.rasa_url),
            "rasa_api_token": _env("HAVEN_RASA_API_TOKEN"),
            "action_server_url": _env("HAVEN_ACTION_SERVER_URL", cls.action_server_url),
            "public_base_url": _env("HAVEN_PUBLIC_BASE_URL", cls.public_base_url).rstrip("/"),
            "console_api_token": _env("HAVEN_CONSOLE_API_TOKEN"),
            "totp_workers": _env_choice("HAVEN_TOTP_WORKERS", cls.totp_workers, ("required", "optional")),
            "twilio_account_sid": _env("TWILIO_ACCOUNT_SID"),
            "twilio_auth_token": _env("TWILIO_AUTH_TOKEN"),
            "twilio_from_number": _env("TWILIO_FROM_NUMBER"),
            "twilio_api_base_url": _env("TWILIO_API_BASE_URL", cls.twilio_api_base_url).rstrip("/"),
            "telegram_bot_token": _env("TELEGRAM_BOT_TOKEN"),
            "telegram_secret_token": _env("TELEGRAM_SECRET_TOKEN"),
            "telegram_api_base_url": _env("TELEGRAM_API_BASE_URL", cls.telegram_api_base_url),
            "gateway_hours": _env("HAVEN_GATEWAY_HOURS", cls.gateway_hours),
            "rest_callback_url": _env("HAVEN_REST_CALLBACK_URL"),
            "rest_token": _env("HAVEN_REST_TOKEN"),
            "quick_exit_url": _env("HAVEN_QUICK_EXIT_URL", cls.quick_exit_url),
            "verification_max_failures": _env_int("HAVEN_VERIFY_MAX_FAILURES", cls.verification_max_failures),
            "verification_lock_minutes": _env_int("HAVEN_VERIFY_LOCK_MINUTES", cls.verification_lock_minutes),
            "verification_alert_senders": _env_int("HAVEN_VERIFY_ALERT_SENDERS", cls.verification_alert_senders),
            "handoff_recovery_seconds": _env_int("HAVEN_HANDOFF_RECOVERY_SECONDS", cls.handoff_recovery_seconds),
        }
        if secret_key:
            values["secret_key"] = secret_key
        if _env("HAVEN_RISK_PATTERNS_DIR"):
            values["risk_patterns_dir"] = Path(_env("HAVEN_RISK_PATTERNS_DIR"))
        if _env("HAVEN_DIRECTORY_FILE"):
            values["directory_file"] = Path(_env("HAVEN_DIRECTORY_FILE"))
        for name, variable in (
            ("encoder_dir", "HAVEN_ENCODER_DIR"),
            ("risk_model_dir", "HAVEN_RISK_MODEL_DIR"),
            ("risk_corpus_dir", "HAVEN_RISK_CORPUS_DIR"),
            ("domain_file", "HAVEN_DOMAIN_FILE"),
        ):
            if _env(variable):
                values[name] = Path(_env(variable))
        return cls(**values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return Settings.from_env()
