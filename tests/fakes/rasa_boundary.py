"""The Rasa boundary for connector tests: an agent stand-in that records messages and utters a script,
and a real Sanic server (real socket) with channels mounted by Rasa's own `register`."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage, register
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Sanic

from connectors.pipeline.channel import InboxPipelineInput
from tests.fakes import running_sanic, wait_for_count

Script = Callable[[UserMessage], list[dict[str, Any]]]


def thanks_script(_message: UserMessage) -> list[dict[str, Any]]:
    return [{"text": "Thanks, we got your message."}]


class RecordingAgent:
    """Stands in for rasa's Agent: `handle_message` records the UserMessage, logs it and the scripted
    replies on an in-memory tracker, and utters the replies through `message.output_channel`."""

    def __init__(self, script: Script = thanks_script) -> None:
        self.script = script
        self.received: list[UserMessage] = []
        self.tracker_store = InMemoryTrackerStore(Domain.empty())
        self._arrived = asyncio.Event()

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        self._arrived.set()
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, input_channel=message.input_channel))
        for reply in self.script(message):
            tracker.update(BotUttered(reply.get("text"), data={k: v for k, v in reply.items() if k != "text"}))
            await message.output_channel.send_response(message.sender_id, dict(reply))
        await self.tracker_store.save(tracker)

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[UserMessage]:
        await wait_for_count(self.received, count, self._arrived, timeout, "messages at the Rasa boundary")
        return self.received


@asynccontextmanager
async def serve_channels(
    channels: list[InputChannel], agent: RecordingAgent, sock: socket.socket, worker: Any = None
) -> AsyncIterator[Sanic]:
    """Run a Sanic app with `channels` under /webhooks/ on `sock`, listeners included, until exit."""
    Sanic.test_mode = True
    app = Sanic(f"haven_test_{uuid.uuid4().hex[:12]}")
    app.config.ACCESS_LOG = False
    app.ctx.agent = agent
    if worker is not None:
        app.ctx.outbox_worker = worker
    pipeline = [] if any(isinstance(channel, InboxPipelineInput) for channel in channels) else [InboxPipelineInput()]
    register([*pipeline, *channels], app, route="/webhooks/")  # the inbox processor, as credentials.yml lists it
    async with running_sanic(app, sock):
        if worker is not None:  # the worker process's job, run here on the test's loop
            await worker.start()
        try:
            yield app
        finally:
            if worker is not None:
                await worker.stop()
