"""A web chat browser on socket.io's websocket transport only, the way the chat page talks once upgraded.

python-engineio's own websocket client needs a newer aiohttp (`ClientWSTimeout`) than Rasa 3.6 allows, so
this speaks Engine.IO 4 / Socket.IO 5 over `websockets` (installed with Sanic): "0" open, "40" namespace
connect, "42[event, data]" events, "2" ping answered with "3".
"""

from __future__ import annotations

import asyncio
import json
from contextlib import suppress
from typing import Any

import websockets

SOCKET_PATH = "/socket.io/?EIO=4&transport=websocket"
EVENT_PREFIX = "42"


class WebSocketChat:
    """One browser tab: a websocket-only socket.io connection to `base_url` (an instance or the load balancer)."""

    def __init__(self, base_url: str, origin: str) -> None:
        self.url = base_url.replace("http://", "ws://", 1) + SOCKET_PATH
        self.origin = origin
        self.events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._socket: Any = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self, timeout: float = 30) -> None:
        """Open the websocket (the load balancer must pass the Upgrade) and join the default namespace."""
        self._socket = await asyncio.wait_for(websockets.connect(self.url, origin=self.origin), timeout)
        opening = await asyncio.wait_for(self._socket.recv(), timeout)
        assert opening.startswith("0"), opening
        await self._socket.send("40")
        joined = await asyncio.wait_for(self._socket.recv(), timeout)
        assert joined.startswith("40"), joined
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        with suppress(websockets.ConnectionClosed):
            async for frame in self._socket:
                if frame == "2":
                    await self._socket.send("3")
                elif frame.startswith(EVENT_PREFIX):
                    name, *data = json.loads(frame[len(EVENT_PREFIX) :])
                    self.events.put_nowait((name, data[0] if data else None))
        self.events.put_nowait(("closed", None))

    async def emit(self, name: str, data: Any) -> None:
        await self._socket.send(EVENT_PREFIX + json.dumps([name, data]))

    async def next_event(self, name: str, timeout: float) -> Any:
        """The data of the next `name` event (others received before it are dropped); TimeoutError after `timeout`."""

        async def wanted() -> Any:
            while True:
                got, data = await self.events.get()
                if got == name:
                    return data

        return await asyncio.wait_for(wanted(), timeout)

    async def start_session(self, token: str | None = None, timeout: float = 30) -> str:
        """Ask for a session (resume `token`, or a new one): the server-signed token it confirms."""
        await self.emit("session_request", {"session_id": token})
        return await self.next_event("session_confirm", timeout)

    async def say(self, token: str, message: str) -> None:
        """Send `message` in the session `token` names."""
        await self.emit("user_uttered", {"message": message, "session_id": token})

    async def texts_until(self, marker: str, timeout: float = 90) -> list[str]:
        """The bot's texts as they arrive, until one contains `marker`; TimeoutError after `timeout` per text."""
        texts: list[str] = []
        while not texts or marker not in texts[-1]:
            texts.append((await self.next_event("bot_uttered", timeout)).get("text", ""))
        return texts

    async def wait_closed(self, timeout: float) -> None:
        """Until the connection is gone (its instance died, say); TimeoutError after `timeout`."""
        await self.next_event("closed", timeout)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            with suppress(asyncio.CancelledError):
                await self._reader
