"""The process's `telegram.Bot`, built lazily from the settings and initialised once per event loop."""

from __future__ import annotations

import asyncio

from telegram import Bot

from bot.settings import get_settings

_bots: dict[tuple[str, str], Bot] = {}
_ready: dict[tuple[str, str], asyncio.AbstractEventLoop] = {}
_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}


class TelegramNotConfigured(RuntimeError):
    """Raised when TELEGRAM_BOT_TOKEN is not set."""


def _key() -> tuple[str, str]:
    settings = get_settings()
    if not settings.telegram_bot_token:
        raise TelegramNotConfigured("TELEGRAM_BOT_TOKEN is not set")
    return settings.telegram_bot_token, settings.telegram_api_base_url


def build_bot(token: str, base_url: str) -> Bot:
    """A new, uninitialised Bot speaking to `base_url` (the token is appended to it)."""
    return Bot(token, base_url=base_url)


def get_bot() -> Bot:
    """The shared Bot for the configured token and API URL (not yet initialised: no network)."""
    key = _key()
    if key not in _bots:
        _bots[key] = build_bot(*key)
    return _bots[key]


async def initialized_bot() -> Bot:
    """The shared Bot, initialised (getMe) on first use in the running event loop."""
    key = _key()
    loop = asyncio.get_running_loop()
    lock = _locks.setdefault(loop, asyncio.Lock())
    async with lock:
        if _ready.get(key) is not loop:
            # The HTTP connection pool belongs to one loop: a new loop (tests, restarts) needs a new Bot.
            if key in _ready:
                _bots.pop(key, None)
            bot = get_bot()
            await bot.initialize()
            _ready[key] = loop
    return _bots[key]


async def shutdown_bots() -> None:
    """Close the HTTP connections of the Bot initialised in this loop (it re-initialises on next use)."""
    loop = asyncio.get_running_loop()
    for key, ready_loop in list(_ready.items()):
        if ready_loop is loop:
            del _ready[key]
            bot = _bots.pop(key, None)
            if bot is not None:
                await bot.shutdown()
