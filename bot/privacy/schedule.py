"""Runs retention in the Rasa server process: at start-up, then every HAVEN_RETENTION_INTERVAL_MINUTES.

The same pattern as bot/handoff/recovery.py (a channel listed in credentials.yml that receives no
messages, with listeners that start and stop its loop), with its own loop: each pass clears stale
partial verification answers (bot.privacy.stale_answers) and removes expired conversations
(bot.privacy.retention), in a worker thread so the server keeps answering.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import timedelta
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.db import session_scope
from bot.privacy.retention import run_retention
from bot.privacy.stale_answers import scrub_stale_answers
from bot.settings import get_settings

logger = logging.getLogger(__name__)
STALE_ANSWER_LOOKBACK = timedelta(days=2)  # each pass reads recent messages only; the CLI reads them all


def run_privacy_pass() -> tuple[int, int]:
    """One pass (blocking): (partial answers cleared, events removed)."""
    with session_scope() as session:
        cleared = scrub_stale_answers(session, lookback=STALE_ANSWER_LOOKBACK)
        report = run_retention(session)
    if report.removed_anything or cleared:
        logger.info(
            "retention: %s conversation(s) deleted, %s trimmed, %s event(s); %s partial answer(s) cleared",
            report.conversations_deleted, report.conversations_trimmed, report.events_deleted, cleared,
        )  # fmt: skip
    return cleared, report.events_deleted


async def privacy_loop(stop: asyncio.Event, interval: float, run: Callable[[], Any] = run_privacy_pass) -> None:
    """Run a pass every `interval` seconds until `stop` is set; a failed pass is retried next time."""
    failing = False
    while not stop.is_set():
        try:
            await asyncio.to_thread(run)
            failing = False
        except Exception as error:  # keep the loop alive; warn once per outage
            if not failing:
                logger.warning("retention failed, retrying every %ss: %s", interval, type(error).__name__)
            failing = True
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


def attach_privacy_loop(blueprint: Any) -> None:
    """Start the loop after the server starts (unless the interval is 0); stop it before shutdown."""

    async def _start(app: Any, _loop: Any) -> None:
        minutes = get_settings().retention_interval_minutes
        app.ctx.privacy_stop = asyncio.Event()
        app.ctx.privacy_task = None
        if minutes > 0:
            app.ctx.privacy_task = asyncio.create_task(privacy_loop(app.ctx.privacy_stop, minutes * 60.0))

    async def _stop(app: Any, _loop: Any) -> None:
        app.ctx.privacy_stop.set()
        if app.ctx.privacy_task is not None:
            with suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(app.ctx.privacy_task, timeout=30)

    blueprint.listener("after_server_start")(_start)
    blueprint.listener("before_server_stop")(_stop)


class PrivacyMaintenanceInput(InputChannel):
    """Listed in credentials.yml as `bot.privacy.schedule.PrivacyMaintenanceInput: {}`; it receives no messages.

    It runs the retention loop and answers GET /webhooks/privacy_maintenance/ with its status.
    """

    @classmethod
    def name(cls) -> str:
        return "privacy_maintenance"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> PrivacyMaintenanceInput:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("haven_privacy_maintenance", __name__)
        attach_privacy_loop(blueprint)

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            task = getattr(request.app.ctx, "privacy_task", None)
            if task is None:
                return response.json({"status": "off"})
            return response.json({"status": "running" if not task.done() else "stopped"})

        return blueprint
