"""Telegram through the Bot API: authenticated webhook updates in, inline keyboards out."""
