"""In-process wake-up calls: tell running outbox workers that a message was committed."""

from __future__ import annotations

from typing import Callable

_LISTENERS: set[Callable[[], None]] = set()


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
