"""A real Sanic server with WebChatInput registered the way `rasa run` does, and a scripted agent (no tests here)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import rasa.core.channels.channel
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.outbox.worker import OutboxWorker
from connectors.pipeline.channel import InboxPipelineInput
from connectors.webchat.channel import WebChatInput
from tests.fakes import listening_socket, running_sanic

GREETING_BUTTONS = [
    {"title": "Yes please", "payload": "/affirm"},
    {"title": "No thanks", "payload": "/deny"},
]


@dataclass
class ScriptedAgent:
    """Stands in for Rasa's Agent at the channel boundary: records messages, utters scripted replies."""

    received: list[UserMessage] = field(default_factory=list)
    hold: asyncio.Event = field(default_factory=asyncio.Event)  # "take your time" waits for this

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        out = message.output_channel
        if message.text == "take your time":
            await self.hold.wait()
        if message.text == "/affirm":
            await out.send_response(message.sender_id, {"text": "Thank you. Someone will be in touch."})
            return
        await out.send_response(message.sender_id, {"text": f"You said: {message.text}"})
        await out.send_response(
            message.sender_id, {"text": "Would you like to hear about support near you?", "buttons": GREETING_BUTTONS}
        )


@dataclass
class RunningChat:
    """What a test needs from the running server."""

    base_url: str
    port: int
    agent: ScriptedAgent
    channel: WebChatInput
    app: Sanic


@asynccontextmanager
async def running_chat_server(*, with_rasa_root: bool = False, outbox_worker: Any = None) -> AsyncIterator[RunningChat]:
    """Serve WebChatInput (with the inbox processor and a web chat outbox worker, as in the Rasa server) on an
    ephemeral port of 127.0.0.1 for the duration of the block; needs the `db_url` fixture's database."""
    Sanic.test_mode = True  # lets several apps start in one process (Sanic 21.12's touch-up runs once otherwise)
    app = Sanic(f"webchat_test_{uuid.uuid4().hex[:8]}")
    app.config.ACCESS_LOG = False
    if with_rasa_root:

        @app.get("/")
        async def hello(_request):  # what `rasa run --enable-api` serves at /
            from sanic import response

            return response.text("Hello from Rasa")

    agent = ScriptedAgent()
    app.ctx.agent = agent
    app.ctx.outbox_worker = outbox_worker or OutboxWorker(channels=["webchat"], poll_interval=0.05)
    channel = WebChatInput()
    rasa.core.channels.channel.register([InboxPipelineInput(), channel], app, route="/webhooks/")
    sock, base_url = listening_socket()

    async def close_sockets(_server: Any) -> None:
        """Close socket.io sessions first (long-polls would otherwise hold the server open)."""
        if channel.sio is not None:
            await asyncio.wait_for(channel.sio.shutdown(), 5)

    async with running_sanic(app, sock, before_stop=close_sockets):
        port = sock.getsockname()[1]
        yield RunningChat(base_url=base_url, port=port, agent=agent, channel=channel, app=app)

