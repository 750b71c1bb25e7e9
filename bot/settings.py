"""Haven's settings, read from the environment in this one place."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.settings_values import (  # noqa: F401  (SettingsError and SECOND_FACTOR_POLICIES are re-exported)
    SECOND_FACTOR_POLICIES,
    SettingsError,
    env_choice,
    env_flag,
    env_int,
    env_quota,
    env_text,
    rest_token_pairs,
    second_factor_policy,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "haven.db"
PLACEHOLDERS = {"", "changeme", "change-me", "secret", "password"}
DEVELOPMENT_ENVIRONMENTS = frozenset({"development", "test"})
ARGON2_PROFILES = ("rfc9106-low-memory", "cheapest")


@dataclass(frozen=True)
class Settings:
    """Every knob Haven reads; build with `Settings.from_env()` or `get_settings()`."""

    environment: str = "production"
    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    secret_key_set: bool = False  # False: the random per-process key above (development only; checked to serve)
    timezone: str = "Europe/London"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_api_token: str = field(default="", repr=False)
    rasa_api_enabled: bool = False  # Rasa's HTTP API (/status, /conversations...): off unless asked for
    bind_host: str = "127.0.0.1"  # the Rasa server's interface
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
    rest_tokens: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (integration, token) pairs
    rate_limit_sender: str = "20/m"  # messages per sender (a phone number, chat, web session, REST sender)
    rate_limit_address: str = "60/m"  # requests per client address on each public endpoint
    redis_url: str = field(default="", repr=False)  # shared rate-limit counters; in-process memory when unset
    quick_exit_url: str = "https://www.bbc.co.uk/weather"
    sender_name: str = "Haven"  # how unprompted messages (update nudges) name us: nothing that reveals a crime
    directory_max_age_months: int = 12  # a national directory entry checked longer ago than this fails a test
    verification_max_failures: int = 3
    verification_lock_minutes: int = 30
    verification_delay_seconds: int = 15  # wait after the 1st failure on a reference, doubling, at most 60 s
    verification_sender_max_failures: int = 5  # failures by one sender, any reference, in 24 h that lock the sender
    verification_second_factor: str = "always"  # or "sensitive-only" (web chat and sensitive cases still need it)
    handoff_recovery_seconds: int = 5  # how often lost escalations are looked for (bot/handoff/reconcile.py)
    data_keys: tuple[str, ...] = field(default=(), repr=False)  # HAVEN_DATA_KEYS: the first encrypts, all decrypt
    retention_days: int = 90  # conversations older than this are removed (bot/privacy/retention.py)
    retention_interval_minutes: int = 60  # how often the Rasa server runs retention; 0: only `python -m bot retention`
    # The worker process (`python -m bot worker`, bot/worker): outbox delivery, notifications, retention.
    worker_channels: tuple[str, ...] = ("sms", "telegram", "rest")  # channels whose outbox it delivers
    outbox_lease_seconds: int = 120  # a claim's lifetime: after it, another worker may take the message over
    outbox_send_timeout_seconds: int = 30  # one provider call; at most a third of the lease
    outbox_poll_ms: int = 250  # how often the worker looks for due messages (PostgreSQL also wakes it at once)
    # Outbox retry back-off (provider outages, bot/outbox/policy.py): base, 2*base, 4*base ... capped
    outbox_retry_base_seconds: int = 2
    outbox_retry_cap_seconds: int = 300
    outbox_max_attempts: int = 300  # a send failing this often is marked failed: ~24 h of provider outage at the cap
    notify_interval_seconds: int = 30  # how often the worker looks for case updates to announce
    # Scale-out (`python -m bot cluster`, bot/cli/cluster.py): REDIS_URL also carries web chat between instances
    webchat_delivery: bool = True  # this Rasa server delivers queued web chat replies (0: other instances do)
    cluster_database_url: str = "postgresql://postgres@127.0.0.1:5432/haven_cluster"  # when DATABASE_URL is SQLite
    cluster_redis_url: str = "redis://127.0.0.1:6379/0"  # when REDIS_URL is unset
    # The durable inbox (bot/inbox): every inbound message is stored before it is acknowledged
    inbox_lease_seconds: int = 15  # a claim's lifetime, renewed while a turn runs; after a crash, the re-drive delay
    inbox_poll_ms: int = 500  # how often unhandled messages (stored by other processes, or retried) are looked for
    inbox_max_attempts: int = 8  # failed tries before a message is set aside (staff are alerted) so later ones flow
    risk_patterns_dir: Path = PROJECT_ROOT / "data" / "risk"
    directory_file: Path = PROJECT_ROOT / "data" / "directory" / "agencies.yml"
    sample_cases_file: Path = PROJECT_ROOT / "data" / "sample" / "cases.yml"
    encoder_dir: Path = PROJECT_ROOT / "models" / "encoder"
    risk_model_dir: Path = PROJECT_ROOT / "models" / "risk"
    risk_corpus_dir: Path = PROJECT_ROOT / "data" / "risk_corpus"
    domain_file: Path = PROJECT_ROOT / "domain.yml"
    # Event loops never block (bot/off_loop.py): bounded thread pools for blocking work, one per lane
    database_threads: int = 8  # short database work (escalations, look-ups, console pages)
    hashing_threads: int = 0  # argon2 checks (CPU-bound, 64 MiB each); 0: one per CPU core
    argon2_profile: str = "rfc9106-low-memory"  # "cheapest" (argon2-cffi's test profile): development/test only
    # Staff paging (bot/paging): pages by SMS through the outbox, or by email through this SMTP server
    paging_interval_seconds: int = 15  # how often the worker looks for unclaimed urgent hand-offs; 0: never
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = ""
    smtp_starttls: bool = True

    @property
    def is_development(self) -> bool:
        return self.environment in DEVELOPMENT_ENVIRONMENTS

    @classmethod
    def from_env(cls) -> Settings:
        """Read settings from environment variables (see the README's table)."""
        environment = env_text("HAVEN_ENV", cls.environment)  # production unless told otherwise
        secret_key = env_text("HAVEN_SECRET_KEY")  # required to serve outside development: bot/serving_checks.py
        values: dict = {
            "environment": environment,
            "database_url": env_text("DATABASE_URL") or cls.database_url,
            "timezone": env_text("HAVEN_TIMEZONE", cls.timezone),
            "rasa_url": env_text("HAVEN_RASA_URL", cls.rasa_url),
            "rasa_api_token": env_text("HAVEN_RASA_API_TOKEN"),
            "rasa_api_enabled": env_flag("HAVEN_RASA_API_ENABLED"),
            "bind_host": env_text("HAVEN_BIND_HOST", cls.bind_host),
            "action_server_url": env_text("HAVEN_ACTION_SERVER_URL", cls.action_server_url),
            "public_base_url": env_text("HAVEN_PUBLIC_BASE_URL", cls.public_base_url).rstrip("/"),
            "console_api_token": env_text("HAVEN_CONSOLE_API_TOKEN"),
            "totp_workers": env_choice("HAVEN_TOTP_WORKERS", cls.totp_workers, ("required", "optional")),
            "twilio_account_sid": env_text("TWILIO_ACCOUNT_SID"),
            "twilio_auth_token": env_text("TWILIO_AUTH_TOKEN"),
            "twilio_from_number": env_text("TWILIO_FROM_NUMBER"),
            "twilio_api_base_url": env_text("TWILIO_API_BASE_URL", cls.twilio_api_base_url).rstrip("/"),
            "telegram_bot_token": env_text("TELEGRAM_BOT_TOKEN"),
            "telegram_secret_token": env_text("TELEGRAM_SECRET_TOKEN"),
            "telegram_api_base_url": env_text("TELEGRAM_API_BASE_URL", cls.telegram_api_base_url),
            "gateway_hours": env_text("HAVEN_GATEWAY_HOURS", cls.gateway_hours),
            "rest_callback_url": env_text("HAVEN_REST_CALLBACK_URL"),
            "rest_tokens": rest_token_pairs(env_text("HAVEN_REST_TOKENS"), env_text("HAVEN_REST_TOKEN")),
            "rate_limit_sender": env_quota("HAVEN_RATE_LIMIT_SENDER", cls.rate_limit_sender),
            "rate_limit_address": env_quota("HAVEN_RATE_LIMIT_ADDRESS", cls.rate_limit_address),
            "redis_url": env_text("REDIS_URL"),
            "quick_exit_url": env_text("HAVEN_QUICK_EXIT_URL", cls.quick_exit_url),
            "sender_name": env_text("HAVEN_SENDER_NAME", cls.sender_name),
            "directory_max_age_months": env_int("HAVEN_DIRECTORY_MAX_AGE_MONTHS", cls.directory_max_age_months),
            "verification_max_failures": env_int("HAVEN_VERIFY_MAX_FAILURES", cls.verification_max_failures),
            "verification_lock_minutes": env_int("HAVEN_VERIFY_LOCK_MINUTES", cls.verification_lock_minutes),
            "verification_delay_seconds": env_int("HAVEN_VERIFY_DELAY_SECONDS", cls.verification_delay_seconds),
            "verification_sender_max_failures": env_int(
                "HAVEN_VERIFY_SENDER_MAX_FAILURES", cls.verification_sender_max_failures
            ),
            "verification_second_factor": second_factor_policy(env_text("HAVEN_VERIFY_SECOND_FACTOR", "always")),
            "handoff_recovery_seconds": env_int("HAVEN_HANDOFF_RECOVERY_SECONDS", cls.handoff_recovery_seconds),
            "data_keys": tuple(filter(None, (key.strip() for key in env_text("HAVEN_DATA_KEYS").split(",")))),
            "retention_days": env_int("HAVEN_RETENTION_DAYS", cls.retention_days),
            "retention_interval_minutes": env_int("HAVEN_RETENTION_INTERVAL_MINUTES", cls.retention_interval_minutes),
            # the durable inbox (bot/inbox)
            "inbox_lease_seconds": env_int("HAVEN_INBOX_LEASE_SECONDS", cls.inbox_lease_seconds),
            "inbox_poll_ms": env_int("HAVEN_INBOX_POLL_MS", cls.inbox_poll_ms),
            "inbox_max_attempts": env_int("HAVEN_INBOX_MAX_ATTEMPTS", cls.inbox_max_attempts),
            # event loops never block (bot/off_loop.py)
            "database_threads": env_int("HAVEN_DATABASE_THREADS", cls.database_threads),
            "hashing_threads": env_int("HAVEN_HASHING_THREADS", cls.hashing_threads),
            "argon2_profile": env_choice("HAVEN_ARGON2_PROFILE", cls.argon2_profile, ARGON2_PROFILES),
            # the worker process (bot/worker)
            "worker_channels": tuple(
                filter(None, map(str.strip, env_text("HAVEN_WORKER_CHANNELS", "sms,telegram,rest").split(",")))
            ),
            "outbox_lease_seconds": env_int("HAVEN_OUTBOX_LEASE_SECONDS", cls.outbox_lease_seconds),
            "outbox_send_timeout_seconds": env_int(
                "HAVEN_OUTBOX_SEND_TIMEOUT_SECONDS", cls.outbox_send_timeout_seconds
            ),
            "outbox_poll_ms": env_int("HAVEN_OUTBOX_POLL_MS", cls.outbox_poll_ms),
            # outbox retry back-off (provider outages, bot/outbox/policy.py)
            "outbox_retry_base_seconds": env_int("HAVEN_OUTBOX_RETRY_BASE_SECONDS", cls.outbox_retry_base_seconds),
            "outbox_retry_cap_seconds": env_int("HAVEN_OUTBOX_RETRY_CAP_SECONDS", cls.outbox_retry_cap_seconds),
            "outbox_max_attempts": env_int("HAVEN_OUTBOX_MAX_ATTEMPTS", cls.outbox_max_attempts),
            "notify_interval_seconds": env_int("HAVEN_NOTIFY_INTERVAL_SECONDS", cls.notify_interval_seconds),
            # scale-out (bot/cli/cluster.py)
            "webchat_delivery": env_text("HAVEN_WEBCHAT_DELIVERY", "1").lower() not in {"0", "false", "no", "off"},
            "cluster_database_url": env_text("HAVEN_CLUSTER_DATABASE_URL", cls.cluster_database_url),
            "cluster_redis_url": env_text("HAVEN_CLUSTER_REDIS_URL", cls.cluster_redis_url),
            # staff paging (bot/paging)
            "paging_interval_seconds": env_int("HAVEN_PAGING_INTERVAL_SECONDS", cls.paging_interval_seconds),
            "smtp_host": env_text("HAVEN_SMTP_HOST"),
            "smtp_port": env_int("HAVEN_SMTP_PORT", cls.smtp_port),
            "smtp_user": env_text("HAVEN_SMTP_USER"),
            "smtp_password": env_text("HAVEN_SMTP_PASSWORD"),
            "smtp_from": env_text("HAVEN_SMTP_FROM"),
            "smtp_starttls": env_text("HAVEN_SMTP_STARTTLS", "1").lower() not in {"0", "false", "no", "off"},
        }
        if values["database_threads"] < 1 or values["hashing_threads"] < 0:
            raise SettingsError("HAVEN_DATABASE_THREADS must be 1 or more, HAVEN_HASHING_THREADS 0 or more")
        if values["argon2_profile"] == "cheapest" and values["environment"] not in DEVELOPMENT_ENVIRONMENTS:
            raise SettingsError("HAVEN_ARGON2_PROFILE=cheapest is for tests and development only")
        if values["retention_days"] < 1 or values["retention_interval_minutes"] < 0:
            raise SettingsError("HAVEN_RETENTION_DAYS must be 1 or more, HAVEN_RETENTION_INTERVAL_MINUTES 0 or more")
        if secret_key:
            values["secret_key"], values["secret_key_set"] = secret_key, True
        if env_text("HAVEN_RISK_PATTERNS_DIR"):
            values["risk_patterns_dir"] = Path(env_text("HAVEN_RISK_PATTERNS_DIR"))
        if env_text("HAVEN_DIRECTORY_FILE"):
            values["directory_file"] = Path(env_text("HAVEN_DIRECTORY_FILE"))
        for name, variable in (
            ("encoder_dir", "HAVEN_ENCODER_DIR"),
            ("risk_model_dir", "HAVEN_RISK_MODEL_DIR"),
            ("risk_corpus_dir", "HAVEN_RISK_CORPUS_DIR"),
            ("domain_file", "HAVEN_DOMAIN_FILE"),
        ):
            if env_text(variable):
                values[name] = Path(env_text(variable))
        return cls(**values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return Settings.from_env()


_QUIET_HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


def quiet_hours() -> str:
    """HAVEN_QUIET_HOURS: local times when no unprompted message goes out, "21:00-08:00" by default ("off": none).

    Read here like every setting; bot/contact reads it on each round, so a change needs no restart."""
    value = env_text("HAVEN_QUIET_HOURS", "21:00-08:00")
    if value.lower() in {"off", "none", "0"}:
        return ""
    if not _QUIET_HOURS.match(value) or value[:5] == value[6:]:
        raise SettingsError('HAVEN_QUIET_HOURS must look like "21:00-08:00" (or "off")')
    return value
