"""Runs the escalation reconciler in the Rasa server process: at start-up, then every few seconds, until shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.handoff.reconcile import ScanFloor, reconcile_once
from bot.settings import get_settings

logger = logging.getLogger(__name__)


async def recovery_loop(agent_of: Callable[[], Any], stop: asyncio.Event, interval: float) -> None:
    """Reconcile every `interval` seconds until `stop` is set; a failed pass (database down) is retried next time."""
    floor, failing = ScanFloor(), False
    while not stop.is_set():
        agent = agent_of()
        if agent is not None:
            try:
                await reconcile_once(agent, floor)
                if failing:
                    logger.info("escalation recovery is working again")
                failing = False
            except Exception as error:  # keep the loop alive; warn once per outage, not every pass
                if not failing:
                    logger.warning("escalation recovery failed, retrying every %ss: %s", interval, type(error).__name__)
                failing = True
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


def attach_recovery(blueprint: Any) -> None:
    """Start the loop after the server starts (Rasa has loaded the agent by then); stop it before shutdown."""

    async def _start(app: Any, _loop: Any) -> None:
        interval = float(max(1, get_settings().handoff_recovery_seconds))
        app.ctx.recovery_stop = asyncio.Event()
        agent_of = lambda: getattr(app.ctx, "agent", None)  # noqa: E731
        app.ctx.recovery_task = asyncio.create_task(recovery_loop(agent_of, app.ctx.recovery_stop, interval))

    async def _stop(app: Any, _loop: Any) -> None:
        app.ctx.recovery_stop.set()
        with suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(app.ctx.recovery_task, timeout=10)

    blueprint.listener("after_server_start")(_start)
    blueprint.listener("before_server_stop")(_stop)


class HandoffRecoveryInput(InputChannel):
    """Listed in credentials.yml as `bot.handoff.recovery.HandoffRecoveryInput: {}`; it receives no messages.

    A channel is how code joins the Rasa server process (as the console does); this one only runs the
    reconciler (bot/handoff/reconcile.py) and answers GET /webhooks/handoff_recovery/ with its status.
    """

    @classmethod
    def name(cls) -> str:
        return "handoff_recovery"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> HandoffRecoveryInput:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("haven_handoff_recovery", __name__)
        attach_recovery(blueprint)

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            task = getattr(request.app.ctx, "recovery_task", None)
            return response.json({"status": "running" if task is not None and not task.done() else "stopped"})

        return blueprint
