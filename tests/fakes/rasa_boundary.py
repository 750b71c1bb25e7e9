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
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.received) < count:
            self._arrived.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"expected {count} messages at the Rasa boundary, got {len(self.received)}")
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except asyncio.TimeoutError:
                continue
        return self.received


def bound_socket() -> tuple[socket.socket, str]:
    """A socket on a free local port and its base URL (known before the app is built)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}"


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
    register(channels, app, route="/webhooks/")
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield app
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
