"""The bench's Haven stack: bench channels (plain REST, SMS, web chat, console) and a timestamping fake Twilio."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.e2e.stack import E2E_WORKER, PROJECT_ROOT, HavenStack, start_stack
from tests.e2e.tokens import issue_token
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilioApi

MODEL = PROJECT_ROOT / "models" / "haven.tar.gz"
CREDENTIALS = PROJECT_ROOT / "tests" / "bench" / "credentials_bench.yml"
ENDPOINTS = PROJECT_ROOT / "tests" / "bench" / "endpoints_bench.yml"


class TimedTwilioApi(FakeTwilioApi):
    """The fake Twilio Messages API, also noting when each accepted message arrived, per recipient."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self._waiters: dict[str, asyncio.Event] = {}

    async def _create_message(self, request: web.Request) -> web.Response:
        before = len(self.received)
        reply = await super()._create_message(request)
        if len(self.received) > before:  # accepted (201): no await since the append, so it is ours
            recipient = self.received[-1]["To"]
            self.arrivals[recipient].append(time.perf_counter())
            self._waiter(recipient).set()
        return reply

    def _waiter(self, recipient: str) -> asyncio.Event:
        return self._waiters.setdefault(recipient, asyncio.Event())

    async def wait_count(self, recipient: str, count: int, deadline: float) -> bool:
        """Wait (until perf_counter() reaches `deadline`) for `recipient` to have `count` messages."""
        event = self._waiter(recipient)
        while len(self.arrivals[recipient]) < count:
            event.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                return len(self.arrivals[recipient]) >= count
        return True


@dataclass
class BenchStack:
    """The running stack, the fake Twilio it sends SMS to, and the tokens to reach it."""

    haven: HavenStack
    twilio: TimedTwilioApi
    api_token: str
    console_token: str = ""  # the e2e worker's own console API token (queue only)

    @property
    def base_url(self) -> str:
        return self.haven.base_url

    @property
    def rasa_pid(self) -> int:
        return self.haven.processes[1].pid

    @property
    def action_pid(self) -> int:
        return self.haven.processes[0].pid

    def client_address(self, conversation_id: str) -> str | None:
        """The loopback address a web chat client connects from: the default (one Rasa server, no balancer)."""
        return None

    def console_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.console_token}"}


def bench_env(twilio_url: str, api_token: str) -> dict[str, Any]:
    """Environment for the bench stack: fake Twilio, quiet logs (the console token is issued once it runs)."""
    return {
        "HAVEN_RASA_API_TOKEN": api_token,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "TWILIO_API_BASE_URL": twilio_url,
        "LOG_LEVEL": "WARNING",
    }


@asynccontextmanager
async def running_stack(
    workdir: Path, *, rasa_command: list[str] | None = None, extra_env: dict[str, str] | None = None
) -> AsyncIterator[BenchStack]:
    """Start the fake Twilio in this event loop, then Haven's processes; stop both afterwards."""
    twilio = TimedTwilioApi()
    twilio_url = await twilio.start()
    api_token = secrets.token_urlsafe(16)
    workdir.mkdir(parents=True, exist_ok=True)
    haven = await asyncio.to_thread(
        start_stack, workdir=workdir, model=MODEL, extra_env={**bench_env(twilio_url, api_token), **(extra_env or {})},
        credentials=CREDENTIALS, endpoints=ENDPOINTS, rasa_command=rasa_command,
    )
    try:
        console_token = await asyncio.to_thread(issue_token, haven, E2E_WORKER, role="queue", label="bench")
        yield BenchStack(haven=haven, twilio=twilio, api_token=api_token, console_token=console_token)
    finally:
        await asyncio.to_thread(haven.stop)
        await twilio.stop()
