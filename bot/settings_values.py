"""Typed readers that turn one environment variable into a checked value; only bot.settings uses them."""

from __future__ import annotations

import os
import re

SECOND_FACTOR_POLICIES = ("always", "sensitive-only")
_INTEGRATION_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_QUOTA = re.compile(r"^\d+\s*/\s*[smhd]$")


class SettingsError(RuntimeError):
    """Raised when the environment holds an unusable setting."""


def env_text(name: str, default: str = "") -> str:
    """The variable's value without surrounding spaces, or `default`."""
    return os.environ.get(name, default).strip()


def env_int(name: str, default: int) -> int:
    raw = env_text(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise SettingsError(f"{name} must be a whole number") from error


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_text(name, default).lower()
    if value not in choices:
        raise SettingsError(f"{name} must be one of: {', '.join(choices)}")
    return value


def env_flag(name: str) -> bool:
    return env_text(name).lower() in {"1", "true", "yes", "on"}


def env_quota(name: str, default: str) -> str:
    value = env_text(name, default)
    if not _QUOTA.match(value):
        raise SettingsError(f"{name} must read like 20/m (a whole number per s, m, h or d)")
    return value


def rest_token_pairs(listed: str, single: str) -> tuple[tuple[str, str], ...]:
    """(integration, token) pairs from HAVEN_REST_TOKENS="name:token,..." (or the older HAVEN_REST_TOKEN,
    which becomes the integration "default")."""
    if listed and single:
        raise SettingsError("set HAVEN_REST_TOKENS only (HAVEN_REST_TOKEN=T means HAVEN_REST_TOKENS=default:T)")
    pairs = [("default", single)] if single else []
    for item in filter(None, (part.strip() for part in listed.split(","))):
        name, _, token = item.partition(":")
        if not _INTEGRATION_NAME.match(name.strip()) or not token.strip():
            raise SettingsError("HAVEN_REST_TOKENS must read name:token,name2:token2 (names: a-z, 0-9, - and _)")
        pairs.append((name.strip(), token.strip()))
    names, tokens = [name for name, _ in pairs], [token for _, token in pairs]
    if len(set(names)) != len(names) or len(set(tokens)) != len(tokens):
        raise SettingsError("HAVEN_REST_TOKENS: each integration needs its own name and its own token")
    return tuple(pairs)


def second_factor_policy(value: str) -> str:
    if value not in SECOND_FACTOR_POLICIES:
        raise SettingsError(f"HAVEN_VERIFY_SECOND_FACTOR must be one of {', '.join(SECOND_FACTOR_POLICIES)}")
    return value
