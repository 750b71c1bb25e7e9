"""A real Rasa agent (SQL tracker store on the test database) serving the console on a real socket."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp
import pyotp
import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import register
from rasa.core.lock_store import InMemoryLockStore
from rasa.server import create_app
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from bot.console.channel import ConsoleInput
from bot.handoff.event_broker import HavenEventBroker
from bot.tracker_store import HavenTrackerStore
from tests.handoff.factories import PASSWORD

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET_ON_PAGE = re.compile(r'<code class="secret" id="totp-secret">([A-Z2-7 ]+)</code>')


@dataclass
class ConsoleServer:
    """The running console: its base URL and the Rasa agent behind it."""

    base_url: str
    agent: Agent
    app: Sanic

    async def seed(self, sender_id: str, events: list[Any]) -> None:
        """Write conversation events straight into the tracker store, as Rasa would."""
        tracker = await self.agent.tracker_store.retrieve(sender_id)
        tracker = tracker or DialogueStateTracker(sender_id, self.agent.domain.slots)
        for event in events:
            tracker.update(event)
        await self.agent.tracker_store.save(tracker)
        await self.agent.tracker_store.event_broker.flush()  # the live view has counted the messages

    async def events(self, sender_id: str) -> list[Any]:
        tracker = await self.agent.tracker_store.retrieve_full_tracker(sender_id)
        return list(tracker.events) if tracker else []


@pytest.fixture
async def console(db_url, monkeypatch) -> AsyncIterator[ConsoleServer]:
    """The console channel mounted the way `rasa run` mounts channels, listening on an ephemeral port."""
    monkeypatch.setattr(Sanic, "test_mode", True)
    domain = Domain.load(str(DOMAIN_FILE))
    store = HavenTrackerStore(domain=domain, event_broker=HavenEventBroker())  # as endpoints.yml configures it
    agent = Agent(domain=domain, tracker_store=store, lock_store=InMemoryLockStore())
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
    yield ConsoleServer(base_url=f"http://127.0.0.1:{port}", agent=agent, app=app)
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


async def log_in(
    client: aiohttp.ClientSession, base_url: str, username: str, password: str = PASSWORD, *, headers=None
):
    """Log in through the forms as a person would: password, then the authenticator's code (setting one up
    the first time, reading the secret off the page). Returns the last response (303 to the queue on success)."""
    token = await csrf_from(client, f"{base_url}/console/login")
    response = await client.post(
        f"{base_url}/console/login",
        allow_redirects=False,
        data={"csrf_token": token, "username": username, "password": password},
        headers=headers,
    )
    await response.read()
    if response.status != 303 or response.headers["Location"] != "/console/login/code":
        return response
    async with client.get(f"{base_url}/console/login/code", allow_redirects=False) as page:
        html = await page.text()
    enrolling = SECRET_ON_PAGE.search(html)
    if enrolling:
        authenticators.secrets[(base_url, username)] = enrolling.group(1).replace(" ", "")
    return await client.post(
        f"{base_url}/console/login/code",
        allow_redirects=False,
        data={"csrf_token": CSRF_FIELD.search(html).group(1), "code": authenticators.next_code(base_url, username)},
        headers=headers,
    )


class Authenticators:
    """The test staff's authenticator apps: the secret each account set up, and codes never used twice."""

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}
        self.used: dict[tuple[str, str], int] = {}

    def next_code(self, base_url: str, username: str) -> str:
        """A valid code: this 30-second step's, or the next step's if this one was already used."""
        key = (base_url, username)
        totp = pyotp.TOTP(self.secrets[key])
        counter = max(totp.timecode(datetime.now(timezone.utc)), self.used.get(key, -1) + 1)
        self.used[key] = counter
        return totp.generate_otp(counter)


authenticators = Authenticators()
