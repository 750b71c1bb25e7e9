"""The case feed on a real socket, mounted the way `rasa run` mounts channels, with one integration's token."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import register
from sanic import Sanic

from bot.feed.http import CaseFeedInput
from bot.feed.integrations import add_integration
from tests.fakes import listening_socket, running_sanic

EVENTS = "/api/v1/case-events"


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]

    def fields(self) -> list[str]:
        """The fields named in a refusal."""
        return [problem["field"] for problem in self.body.get("errors", [])]


@dataclass
class FeedServer:
    base_url: str
    token: str

    async def post(self, body: Any = None, *, raw: bytes | None = None, token: str | None = "own") -> Reply:
        """POST an event as the integration (or with `token`, or none when token=None)."""
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {self.token if token == 'own' else token}"
        data = raw if raw is not None else json.dumps(body).encode()
        async with (
            aiohttp.ClientSession() as client,
            client.post(self.base_url + EVENTS, data=data, headers=headers) as reply,
        ):
            return Reply(reply.status, await reply.json(content_type=None), dict(reply.headers))

    async def get(self, path: str) -> Reply:
        async with aiohttp.ClientSession() as client, client.get(self.base_url + path) as reply:
            return Reply(reply.status, await reply.json(content_type=None), dict(reply.headers))


@pytest.fixture
async def feed(db_url: str, session, monkeypatch) -> AsyncIterator[FeedServer]:
    """The feed serving on a free port, and the token of the integration "force-rms"."""
    token, _row = add_integration(session, "force-rms")
    session.commit()
    monkeypatch.setattr(Sanic, "test_mode", True)
    app = Sanic(f"haven_feed_test_{uuid.uuid4().hex[:12]}")
    app.config.ACCESS_LOG = False
    register([CaseFeedInput.from_credentials({})], app, route="/webhooks/")  # as `rasa run` reads credentials.yml
    sock, base_url = listening_socket()
    async with running_sanic(app, sock):
        yield FeedServer(base_url, token)


def event(kind: str, event_id: str = "evt-1", reference: str = "SP/20001/26", **fields: Any) -> dict[str, Any]:
    """An event body as a police system would send it."""
    return {"kind": kind, "event_id": event_id, "reference": reference, "occurred_at": "2026-11-20T09:30:00Z", **fields}
