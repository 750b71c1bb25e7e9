"""`python -m bot telegram set-webhook|webhook-info|delete-webhook`: manage the bot's Telegram webhook."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys

from telegram.error import TelegramError

from bot.settings import Settings, get_settings
from connectors.telegram.client import build_bot

WEBHOOK_PATH = "/webhooks/telegram_haven/webhook"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what the Bot API accepts as secret_token


def webhook_url(settings: Settings) -> str:
    """The public URL Telegram should POST updates to."""
    return settings.public_base_url.rstrip("/") + WEBHOOK_PATH


def _problems(settings: Settings, *, command: str, allow_http: bool) -> list[str]:
    problems = []
    if not settings.telegram_bot_token:
        problems.append("TELEGRAM_BOT_TOKEN is not set")
    if command == "set-webhook":
        if not SECRET_FORMAT.match(settings.telegram_secret_token):
            problems.append("TELEGRAM_SECRET_TOKEN must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        if not settings.public_base_url.startswith("https://") and not allow_http:
            problems.append("HAVEN_PUBLIC_BASE_URL must start with https:// (Telegram only calls HTTPS webhooks); "
                            "use --allow-http only against a local test server")
    return problems


async def _run(settings: Settings, command: str) -> str:
    async with build_bot(settings.telegram_bot_token, settings.telegram_api_base_url) as bot:
        if command == "set-webhook":
            url = webhook_url(settings)
            done = await bot.set_webhook(url=url, secret_token=settings.telegram_secret_token,
                                         allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
            return f"setWebhook {'ok' if done else 'refused'}: {url} (updates: {', '.join(ALLOWED_UPDATES)})"
        if command == "delete-webhook":
            done = await bot.delete_webhook(drop_pending_updates=False)
            return f"deleteWebhook {'ok' if done else 'refused'}"
        info = await bot.get_webhook_info()
        return (f"url: {info.url or '(none)'}\npending updates: {info.pending_update_count}\n"
                f"allowed updates: {', '.join(info.allowed_updates or []) or '(all)'}\n"
                f"last error: {info.last_error_message or '(none)'}")


def main(argv: list[str] | None = None) -> int:
    """Run one webhook command; 0 on success, 1 on an API error, 2 on bad settings or usage."""
    parser = argparse.ArgumentParser(prog="python -m bot telegram", description="Manage Haven's Telegram webhook.")
    parser.add_argument("command", choices=["set-webhook", "webhook-info", "delete-webhook"])
    parser.add_argument("--allow-http", action="store_true", help="accept a non-HTTPS public URL (local tests only)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    settings = get_settings()
    problems = _problems(settings, command=args.command, allow_http=args.allow_http)
    if problems:
        for problem in problems:
            print(f"refused: {problem}", file=sys.stderr)
        return 2
    try:
        print(asyncio.run(_run(settings, args.command)))
    except TelegramError as error:
        print(f"Telegram API error: {error}", file=sys.stderr)
        return 1
    return 0
