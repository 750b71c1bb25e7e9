"""One real Haven stack (trained model, Rasa server, action server, SQLite) shared by the end-to-end tests."""

from __future__ import annotations

import asyncio
import secrets
import threading
from pathlib import Path

import pytest

from tests.e2e.callbacks import CallbackReceiver
from tests.e2e.stack import E2E_WORKER, PROJECT_ROOT, HavenStack, start_stack
from tests.e2e.tokens import issue_token
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilioApi

TELEGRAM_SECRET = "e2e-telegram-secret"

MODEL = PROJECT_ROOT / "models" / "haven.tar.gz"


@pytest.fixture(scope="session")
def callbacks() -> CallbackReceiver:
    """Receives out-of-band messages (staff replies, notifications) for REST senders."""
    receiver = CallbackReceiver()
    yield receiver
    receiver.close()


class ThreadedTwilio:
    """The asyncio fake Twilio API on its own event loop in a thread, usable from plain tests."""

    def __init__(self) -> None:
        self.fake = FakeTwilioApi()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.base_url = self._run(self.fake.start())

    def _run(self, coroutine, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=timeout)

    def messages_to(self, number: str, count: int, timeout: float = 20.0) -> list[dict]:
        """Wait until `count` messages to `number` arrived; their form fields."""

        async def wait() -> list[dict]:
            deadline = self.loop.time() + timeout
            while True:
                found = [message for message in self.fake.received if message.get("To") == number]
                if len(found) >= count or self.loop.time() > deadline:
                    return found
                await self.fake.wait_for(len(self.fake.received) + 1, timeout=max(0.1, deadline - self.loop.time()))

        try:
            return self._run(wait(), timeout=timeout + 10)  # the wait itself is bounded by `timeout`
        except AssertionError:
            return [message for message in self.fake.received if message.get("To") == number]

    def close(self) -> None:
        self._run(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture(scope="session")
def twilio() -> ThreadedTwilio:
    """Twilio's Messages API, served locally."""
    fake = ThreadedTwilio()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def telegram() -> FakeTelegramApi:
    """Telegram's Bot API, served locally."""
    with FakeTelegramApi() as fake:
        yield fake


@pytest.fixture(scope="session")
def haven(tmp_path_factory, callbacks, twilio, telegram) -> HavenStack:
    """Haven running for real on loopback ports."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does)")
    workdir: Path = tmp_path_factory.mktemp("haven-e2e")
    stack = start_stack(
        workdir=workdir,
        model=MODEL,
        extra_env={
            "HAVEN_RASA_API_TOKEN": secrets.token_urlsafe(16),
            "HAVEN_REST_CALLBACK_URL": callbacks.url,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_FROM_NUMBER": FROM_NUMBER,
            "TWILIO_API_BASE_URL": twilio.base_url,
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "HAVEN_HANDOFF_RECOVERY_SECONDS": "1",  # lost escalations are recovered within a second
        },
    )
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def console_headers(haven) -> dict:
    """Bearer auth for the console JSON API: the e2e worker's own token, so the token says who acts."""
    return {"Authorization": f"Bearer {issue_token(haven, E2E_WORKER)}"}
