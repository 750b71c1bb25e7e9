"""The inbox processor's home in the Rasa server: listed once in credentials.yml, it receives no messages itself."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.inbox.processor import InboxProcessor
from bot.off_loop import run_blocking
from bot.settings import get_settings

logger = logging.getLogger(__name__)
WARM_UP_SENDER = "haven-warm-up"  # a conversation that exists only in memory, never stored


async def warm_up(agent: Any) -> None:
    """Run the model once on a throwaway conversation before the inbox is read, so the first victim's turn
    does not pay for building the model's graphs (on a busy machine that blocked the loop past the inbox
    lease, and the message was taken over and re-driven)."""
    if not isinstance(agent, Agent) or not agent.is_ready():
        return  # no model loaded (or a test's stand-in): nothing to warm
    try:
        parsed = await agent.parse_message("hello")
        said = UserUttered("hello", parsed.get("intent"), parsed.get("entities"), parse_data=parsed)
        tracker = DialogueStateTracker.from_events(
            WARM_UP_SENDER, [ActionExecuted(ACTION_LISTEN_NAME), said], slots=agent.domain.slots
        )
        await run_blocking(agent.processor.predict_next_with_tracker, tracker)
    except Exception as error:  # only slower: the first turn builds the graphs instead
        logger.warning("model warm-up failed: %s", type(error).__name__)


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
            await warm_up(getattr(app.ctx, "agent", None))
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
