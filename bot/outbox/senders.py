"""In-process registries: per-channel outbox senders (and splitters), and wake-up listeners for workers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

logger = logging.getLogger(__name__)

Payload = dict[str, Any]
Splitter = Callable[[Payload], list[Payload]]


class Sender(Protocol):
    """An async callable delivering one payload to one recipient; returns the provider's message id."""

    def __call__(self, recipient: str, payload: Payload) -> Awaitable[str]: ...


class PermanentDeliveryError(Exception):
    """The provider refused the message for good (bad number, opted out): do not retry."""


_SENDERS: dict[str, Sender] = {}
_SPLITTERS: dict[str, Splitter] = {}
_LISTENERS: set[Callable[[], None]] = set()


def register_sender(channel: str, sender: Sender, *, split: Splitter | None = None) -> None:
    """Install (or replace) the sender for `channel`; `split` turns one payload into several messages."""
    _SENDERS[channel] = sender
    if split is not None:
        _SPLITTERS[channel] = split
    else:
        _SPLITTERS.pop(channel, None)


def unregister_sender(channel: str) -> None:
    """Remove the sender for `channel` (its messages then wait in the outbox)."""
    _SENDERS.pop(channel, None)
    _SPLITTERS.pop(channel, None)


def get_sender(channel: str) -> Sender | None:
    """The sender registered for `channel`, if any."""
    return _SENDERS.get(channel)


def registered_channels() -> list[str]:
    """Channels this process can deliver to."""
    return sorted(_SENDERS)


def split_payload(channel: str, payload: Payload) -> list[Payload]:
    """The messages `payload` becomes on `channel` (itself unless the channel registered a splitter)."""
    splitter = _SPLITTERS.get(channel)
    if splitter is None:
        return [payload]
    return splitter(payload) or [payload]


async def aclose_senders() -> None:
    """Let senders holding connections (objects with an async `aclose`) release them."""
    for channel, sender in list(_SENDERS.items()):
        closer = getattr(sender, "aclose", None)
        if closer is None:
            continue
        try:
            await closer()
        except Exception as error:
            logger.warning("closing the %s sender failed: %s", channel, type(error).__name__)


def add_listener(callback: Callable[[], None]) -> None:
    """Call `callback` (thread-safe, non-blocking) whenever new messages are committed."""
    _LISTENERS.add(callback)


def remove_listener(callback: Callable[[], None]) -> None:
    """Stop calling `callback`."""
    _LISTENERS.discard(callback)


def notify_enqueued() -> None:
    """Wake every listening worker; safe to call from any thread."""
    for callback in list(_LISTENERS):
        callback()
