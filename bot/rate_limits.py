"""Rate limits per sender and per client address on Haven's public endpoints (throttled-py, GCRA)."""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from throttled.asyncio import RateLimiterType, Throttled, store

from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)
KEY_PREFIX = "haven:rate"
MEMORY_MAX_KEYS = 100_000  # least recently used counters are dropped past this (one process)
NOTICE_QUOTA = "1/m"  # "please wait" notices per sender: a flood must not become a flood of replies


@dataclass(frozen=True)
class Verdict:
    """Whether one request may go ahead; if not, how many seconds until it may."""

    allowed: bool
    retry_after: int = 0


ALLOWED = Verdict(allowed=True)


def _counters(redis_url: str) -> Any:
    if redis_url:
        return store.RedisStore(server=redis_url)
    return store.MemoryStore(options={"MAX_SIZE": MEMORY_MAX_KEYS})


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


class RateLimits:
    """The limits of one endpoint ("rest", "sms", "telegram", "webchat", ...).

    Counters live in this process's memory by default, or in Redis when REDIS_URL is set, so that several
    servers share them. Keys are hashed: no phone number or chat id is stored in the counters.
    """

    def __init__(self, endpoint: str, *, per_sender: str, per_address: str, redis_url: str = "") -> None:
        counters = _counters(redis_url)
        self.endpoint = endpoint

        def throttle(quota: str) -> Throttled:
            return Throttled(using=RateLimiterType.GCRA.value, quota=quota, store=counters, key_prefix=KEY_PREFIX)

        self._sender, self._address, self._notice = throttle(per_sender), throttle(per_address), throttle(NOTICE_QUOTA)

    @classmethod
    def for_endpoint(cls, endpoint: str, settings: Settings | None = None) -> RateLimits:
        """The endpoint's limits from settings (HAVEN_RATE_LIMIT_SENDER, HAVEN_RATE_LIMIT_ADDRESS, REDIS_URL)."""
        settings = settings or get_settings()
        return cls(
            endpoint,
            per_sender=settings.rate_limit_sender,
            per_address=settings.rate_limit_address,
            redis_url=settings.redis_url,
        )

    async def sender(self, sender: str) -> Verdict:
        """Count one message from `sender` (a Rasa sender id, or an account name)."""
        return await self._check(self._sender, f"sender:{sender}")

    async def address(self, address: str) -> Verdict:
        """Count one request from the client address `address`."""
        return await self._check(self._address, f"address:{address}")

    async def notice_due(self, sender: str) -> bool:
        """Whether `sender` should be told to slow down now (at most once a minute)."""
        return (await self._check(self._notice, f"notice:{sender}")).allowed

    async def _check(self, throttle: Throttled, key: str) -> Verdict:
        try:
            result = await throttle.limit(_hashed(f"{self.endpoint}:{key}"))
        except Exception as error:  # counters unreachable: a victim's message matters more than the limit
            logger.error("rate-limit counters unavailable (%s): request allowed", type(error).__name__)
            return ALLOWED
        if not result.limited:
            return ALLOWED
        return Verdict(allowed=False, retry_after=max(1, math.ceil(result.state.retry_after)))


def client_address(request: Request) -> str:
    """The caller's address: the proxy's forwarded address when Sanic is told to trust it
    (SANIC_PROXIES_COUNT / SANIC_FORWARDED_SECRET), else the socket's peer."""
    return request.remote_addr or request.ip or "unknown"


def too_many_requests(verdict: Verdict) -> HTTPResponse:
    """HTTP 429 with Retry-After and a JSON reason."""
    return response.json(
        {"error": f"too many requests: try again in {verdict.retry_after} seconds", "retry_after": verdict.retry_after},
        status=429,
        headers={"Retry-After": str(verdict.retry_after)},
    )
