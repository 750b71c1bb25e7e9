"""Register the outbox senders the worker process can run on its own, from the settings."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from bot.outbox.senders import register_sender
from bot.settings import Settings

logger = logging.getLogger(__name__)
IN_SERVER_ONLY = frozenset({"webchat"})  # its sender needs the Rasa server's live socket.io server


def _sms(settings: Settings) -> bool:
    if not (settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from_number):
        return False
    from connectors.sms.render import split_for_outbox
    from connectors.sms.sender import TwilioSmsSender

    register_sender("sms", TwilioSmsSender.from_settings(settings), split=split_for_outbox)
    return True


def _telegram(settings: Settings) -> bool:
    if not settings.telegram_bot_token:
        return False
    from connectors.telegram.sender import register_telegram_sender

    register_telegram_sender()
    return True


def _rest(settings: Settings) -> bool:
    if not settings.rest_callback_url:
        return False
    from connectors.rest.channel import RestCallbackSender

    register_sender("rest", RestCallbackSender(settings.rest_callback_url))
    return True


REGISTRARS: dict[str, Callable[[Settings], bool]] = {"sms": _sms, "telegram": _telegram, "rest": _rest}


def register_senders(settings: Settings, channels: Iterable[str]) -> list[str]:
    """Register a sender for each of `channels` that is configured; returns the channels registered.

    A channel that is not configured is skipped, not failed: its messages wait in the outbox (and are
    never marked failed by a worker that could not have sent them).
    """
    registered = []
    for channel in channels:
        registrar = REGISTRARS.get(channel)
        if registrar is None:
            reason = "delivered by the Rasa server" if channel in IN_SERVER_ONLY else "unknown channel"
            logger.warning("worker: channel %r skipped (%s)", channel, reason)
        elif registrar(settings):
            registered.append(channel)
        else:
            logger.info("worker: channel %r is not configured; its messages wait in the outbox", channel)
    return registered
