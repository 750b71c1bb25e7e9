"""The staff console as a Rasa input channel, served at /console inside the Rasa server process."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic

from bot.console import (
    api,
    pages_account,
    pages_agency,
    pages_auth,
    pages_clocks,
    pages_conversation,
    pages_dash,
    pages_live,
    pages_locks,
    pages_preferences,
    pages_queue,
)
from bot.console.guards import SHARED_CREDENTIAL_RETIRED
from bot.console.web import CONSOLE_ROOT, PREFIX, add_security_headers
from bot.settings import get_settings

logger = logging.getLogger(__name__)


class ConsoleBlueprint(Blueprint):
    """A blueprint that always mounts at /console (Rasa would put channels under /webhooks/<name>)."""

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        super().register(app, {**options, "url_prefix": PREFIX})


def build_blueprint(name: str = "haven_console") -> ConsoleBlueprint:
    """All console routes: log-in, queue, conversations, live conversations, locks, the JSON API and static files."""
    blueprint = ConsoleBlueprint(name)
    pages_auth.register(blueprint)
    pages_queue.register(blueprint)
    pages_conversation.register(blueprint)
    pages_live.register(blueprint)
    pages_account.register(blueprint)
    pages_locks.register(blueprint)
    pages_clocks.register(blueprint)
    pages_dash.register(blueprint)
    pages_agency.register(blueprint)
    pages_preferences.register(blueprint)
    api.register(blueprint)
    blueprint.static("/static", str(CONSOLE_ROOT / "static"), name="static")
    blueprint.middleware(add_security_headers, "response")
    return blueprint


class ConsoleInput(InputChannel):
    """Listed in credentials.yml as `bot.console.channel.ConsoleInput: {}`; it receives no victim messages.

    Staff replies go out through the outbox on the victim's own channel, so this channel has
    no output channel of its own.
    """

    @classmethod
    def name(cls) -> str:
        return "console"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ConsoleInput:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The console's routes (case-update notifications are queued by the worker process)."""
        blueprint = build_blueprint()
        if get_settings().console_api_token:
            logger.warning("HAVEN_CONSOLE_API_TOKEN is set but retired and refused: %s", SHARED_CREDENTIAL_RETIRED)
        return blueprint
