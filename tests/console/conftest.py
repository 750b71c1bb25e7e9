"""A real Rasa agent (SQL tracker store on the test database) serving the console on a real socket."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import register
from rasa.core.lock_store import InMemoryLockStore
from rasa.server import create_app
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from bot.console.channel import ConsoleInput
from bot.tracker_store import HavenTrackerStore
from tests.handoff.factories import PASSWORD

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class ConsoleServer:
    """The running console: its base URL and the Rasa agent behind it."""

    base_url: str
    agent: Agent

    async def seed(self, sender_id: str, events: list[Any]) -> None:
        """Write conversation events straight into the tracker store, as Rasa would."""
        tracker = await self.agent.tracker_store.retrieve(sender_id)
        tracker = tracker or DialogueStateTracker(sender_id, self.agent.domain.slots)
        for event in events:
            tracker.update(event)
        await self.agent.tracker_store.save(tracker)

    async def events(self, sender_id: str) -> list[Any]:
        tracker = await self.agent.tracker_store.retrieve_full_tracker(sender_id)
        return list(tracker.events) if tracker else []


@pytest.fixture
async def console(db_url, monkeypatch) -> AsyncIterator[ConsoleServer]:
    """The console channel mounted the way `rasa run` mounts channels, listening on an ephemeral port."""
    monkeypatch.setattr(Sanic, "test_mode", True)
    domain = Domain.load(str(DOMAIN_FILE))
    agent = Agent(domain=domain, tracker_store=HavenTrackerStore(domain=domain), lock_store=InMemoryLockStore())
    app = create_app(agent=agent)
    register([ConsoleInput.from_credentials({})], app, route="/webhooks/")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = await app.create_server(sock=listener, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    await server.start_serving()
    await server.after_start()
    yield ConsoleServer(base_url=f"http://127.0.0.1:{port}", agent=agent)
    await server.before_stop()
    await server.close()
    await server.after_stop()
    listener.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client that keeps cookies for 127.0.0.1 and never follows redirects by itself."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        yield client


async def csrf_from(client: aiohttp.ClientSession, url: str) -> str:
    """The CSRF token in the form on the page at `url`."""
    async with client.get(url, allow_redirects=False) as response:
        assert response.status == 200, await response.text()
        return CSRF_FIELD.search(await response.text()).group(1)


async def log_in(client: aiohttp.ClientSession, base_url: str, username: str, password: str = PASSWORD):
    """Log in through the form; returns the response (303 on success)."""
    token = await csrf_from(client, f"{base_url}/console/login")
    response = await client.post(
        f"{base_url}/console/login",
        allow_redirects=False,
        data={"csrf_token": token, "username": username, "password": password},
    )
    await response.read()
    return response
