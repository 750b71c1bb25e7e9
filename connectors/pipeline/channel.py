"""The inbox processor's home in the Rasa server: listed once in credentials.yml, it receives no messages itself."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.inbox.processor import InboxProcessor
from bot.settings import get_settings

logger = logging.getLogger(__name__)


class InboxPipelineInput(InputChannel):
    """Starts the processor after the server starts (every channel has registered its handler by then) and
    stops it before shutdown, letting turns in hand finish; an unfinished one is re-driven on the next start."""

    @classmethod
    def name(cls) -> str:
        return "haven_inbox"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InboxPipelineInput:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("haven_inbox", __name__)

        @blueprint.listener("after_server_start")
        async def start(app: Any, _loop: Any) -> None:
            settings = get_settings()
            handlers = getattr(app.ctx, "inbound_handlers", None) or {}
            app.ctx.inbox = InboxProcessor(
                handlers, lease_seconds=settings.inbox_lease_seconds, poll_ms=settings.inbox_poll_ms,
                max_attempts=settings.inbox_max_attempts,
            )
            await app.ctx.inbox.start()
            logger.info("inbox processor started for channels: %s", ", ".join(sorted(handlers)) or "none")

        @blueprint.listener("before_server_stop")
        async def stop(app: Any, _loop: Any) -> None:
            processor = getattr(app.ctx, "inbox", None)
            if processor is not None:
                await processor.stop()

        @blueprint.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        return blueprint
