"""The rate-limit counters: in one process's memory, shared through Redis by several servers, and never the
reason a message is lost when Redis is down."""

from __future__ import annotations

import logging
import os
import socket
import uuid

import pytest

from bot.rate_limits import KEY_PREFIX, RateLimits
from tests.e2e.stack import free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PHONE = "sms:+447700900123"


def _redis_answers() -> bool:
    host_port = REDIS_URL.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.rpartition("@")[2].partition(":")
    try:
        with socket.create_connection((host, int(port or 6379)), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_answers(), reason=f"no Redis answers at {REDIS_URL} (TEST_REDIS_URL)")


async def test_in_memory_a_sender_is_limited_and_told_when_to_retry() -> None:
    limits = RateLimits("sms", per_sender="3/m", per_address="100/m")
    verdicts = [await limits.sender(PHONE) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 1 <= verdicts[-1].retry_after <= 60
    assert (await limits.sender("sms:+447700900999")).allowed  # another sender is not affected
    assert (await limits.notice_due(PHONE)) and not (await limits.notice_due(PHONE))  # one notice a minute


async def test_endpoints_count_separately() -> None:
    rest = RateLimits("rest", per_sender="1/m", per_address="1/m")
    webchat = RateLimits("webchat", per_sender="1/m", per_address="1/m")
    assert (await rest.address("203.0.113.9")).allowed and not (await rest.address("203.0.113.9")).allowed
    assert (await webchat.address("203.0.113.9")).allowed


async def test_when_redis_is_unreachable_messages_still_go_through(caplog) -> None:
    limits = RateLimits("sms", per_sender="1/m", per_address="1/m", redis_url=f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.ERROR):
        assert all([(await limits.sender(PHONE)).allowed for _ in range(3)])
    assert "request allowed" in caplog.text and PHONE not in caplog.text


@needs_redis
async def test_two_servers_sharing_redis_share_the_count_and_store_no_phone_number() -> None:
    import redis.asyncio

    endpoint = f"sms-{uuid.uuid4().hex[:8]}"
    first, second = (RateLimits(endpoint, per_sender="2/m", per_address="100/m", redis_url=REDIS_URL) for _ in "ab")
    client = redis.asyncio.Redis.from_url(REDIS_URL)
    try:
        assert (await first.sender(PHONE)).allowed and (await second.sender(PHONE)).allowed
        assert not (await first.sender(PHONE)).allowed and not (await second.sender(PHONE)).allowed
        keys = [key.decode() async for key in client.scan_iter(f"{KEY_PREFIX}*")]
        assert keys and not any("447700900123" in key or endpoint in key for key in keys)
    finally:
        async for key in client.scan_iter(f"{KEY_PREFIX}*"):
            await client.delete(key)
        await client.aclose() if hasattr(client, "aclose") else await client.close()
