"""Which web chat sessions have a browser connected, on any Rasa instance (Redis) or on this one (memory)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

from socketio import AsyncServer

logger = logging.getLogger(__name__)

PRESENCE_KEY = "haven:webchat:presence:{session}"
HEARTBEAT_SECONDS = 2.0  # how often an instance renews the presence of its own sockets
PRESENCE_TTL_SECONDS = 6.0  # a socket of an instance that died stops counting after this


class LocalPresence:
    """One process: a session is connected when this socket.io server has a socket in its room."""

    def __init__(self, sio: AsyncServer, namespace: str) -> None:
        self.sio, self.namespace = sio, namespace

    async def joined(self, sid: str, session_id: str) -> None:
        """Nothing to record: the room is the record."""

    async def left(self, sid: str) -> None:
        """Nothing to record: socket.io empties the room."""

    async def is_connected(self, session_id: str) -> bool:
        return any(True for _ in self.sio.manager.get_participants(self.namespace, session_id))

    def start(self) -> None:
        """Nothing runs in the background."""

    async def stop(self) -> None:
        """Nothing runs in the background."""


class RedisPresence:
    """Several instances: each session has a Redis sorted set of "<instance>:<socket id>" scored by the time
    the entry expires. Each instance renews its own sockets every HEARTBEAT_SECONDS and removes a socket
    when it disconnects, so a killed instance's sockets stop counting within PRESENCE_TTL_SECONDS."""

    def __init__(self, redis_url: str) -> None:
        from redis import asyncio as redis_asyncio

        self.redis = redis_asyncio.Redis.from_url(redis_url)
        self.instance = uuid.uuid4().hex[:12]
        self.local: dict[str, str] = {}  # this instance's socket id -> session id
        self._heartbeat: asyncio.Task | None = None

    def _member(self, sid: str) -> str:
        return f"{self.instance}:{sid}"

    async def _renew(self, sid: str, session_id: str) -> None:
        key = PRESENCE_KEY.format(session=session_id)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {self._member(sid): time.time() + PRESENCE_TTL_SECONDS})
            pipe.expire(key, int(PRESENCE_TTL_SECONDS * 10))
            await pipe.execute()

    async def joined(self, sid: str, session_id: str) -> None:
        """The socket `sid` of this instance entered the session's room (it left any other one)."""
        await self.left(sid)
        self.local[sid] = session_id
        await self._renew(sid, session_id)

    async def left(self, sid: str) -> None:
        """The socket `sid` of this instance disconnected or changed session."""
        session_id = self.local.pop(sid, None)
        if session_id is not None:
            await self.redis.zrem(PRESENCE_KEY.format(session=session_id), self._member(sid))

    async def is_connected(self, session_id: str) -> bool:
        """Whether any live entry exists for the session, on any instance."""
        return bool(await self.redis.zcount(PRESENCE_KEY.format(session=session_id), time.time(), "+inf"))

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                for sid, session_id in list(self.local.items()):
                    await self._renew(sid, session_id)
            except Exception as error:  # Redis briefly away: the next beat tries again
                logger.warning("Web chat presence: renewal failed (%s)", type(error).__name__)

    def start(self) -> None:
        """Start renewing this instance's sockets (call on the server's event loop)."""
        if self._heartbeat is None:
            self._heartbeat = asyncio.get_running_loop().create_task(self._beat())

    async def stop(self) -> None:
        """Stop renewing and withdraw this instance's sockets."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        for sid in list(self.local):
            await self.left(sid)
        await self.redis.close()


def presence_for(sio: AsyncServer, namespace: str, redis_url: str) -> Any:
    """Redis presence when REDIS_URL is set (several instances), else this server's rooms."""
    return RedisPresence(redis_url) if redis_url else LocalPresence(sio, namespace)
