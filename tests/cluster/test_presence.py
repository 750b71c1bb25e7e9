"""Web chat presence shared through Redis: seen by every instance, withdrawn on disconnect, expired after a crash."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis

from connectors.webchat import presence as presence_module
from connectors.webchat.presence import RedisPresence
from tests.cluster.conftest import REDIS_URL


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason=f"Redis does not answer at {REDIS_URL}")


async def _until(condition, timeout: float) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def test_a_socket_on_one_instance_is_seen_by_another_until_it_disconnects():
    async def scenario() -> list[bool]:
        first, second, session = RedisPresence(REDIS_URL), RedisPresence(REDIS_URL), uuid.uuid4().hex
        try:
            seen = [await second.is_connected(session)]
            await first.joined("sid-1", session)
            seen.append(await second.is_connected(session))
            await first.left("sid-1")
            seen.append(await second.is_connected(session))
            return seen
        finally:
            await first.stop()
            await second.stop()

    assert asyncio.run(scenario()) == [False, True, False]


def test_a_socket_moving_to_another_session_leaves_the_first():
    async def scenario() -> tuple[bool, bool]:
        instance, old, new = RedisPresence(REDIS_URL), uuid.uuid4().hex, uuid.uuid4().hex
        try:
            await instance.joined("sid-1", old)
            await instance.joined("sid-1", new)
            return await instance.is_connected(old), await instance.is_connected(new)
        finally:
            await instance.stop()

    assert asyncio.run(scenario()) == (False, True)


def test_a_killed_instance_stops_counting_and_a_live_one_keeps_renewing(monkeypatch):
    monkeypatch.setattr(presence_module, "PRESENCE_TTL_SECONDS", 1.0)
    monkeypatch.setattr(presence_module, "HEARTBEAT_SECONDS", 0.2)

    async def scenario() -> tuple[bool, bool, bool]:
        dead, live, observer = (RedisPresence(REDIS_URL) for _ in range(3))
        dead_session, live_session = uuid.uuid4().hex, uuid.uuid4().hex
        try:
            await dead.joined("sid-dead", dead_session)  # never renewed: as if its process was killed
            live.start()
            await live.joined("sid-live", live_session)
            expired = await _until(lambda: _not(observer.is_connected(dead_session)), timeout=5)
            return expired, await observer.is_connected(live_session), await observer.is_connected(dead_session)
        finally:
            for instance in (dead, live, observer):
                await instance.stop()

    expired, live_seen, dead_seen = asyncio.run(scenario())
    assert expired and live_seen and not dead_seen


async def _not(awaitable) -> bool:
    return not await awaitable
