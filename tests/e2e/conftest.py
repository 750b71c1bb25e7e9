"""One real Haven stack (trained model, Rasa server, action server, SQLite) shared by the end-to-end tests."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.e2e.stack import PROJECT_ROOT, CallbackReceiver, HavenStack, start_stack

MODEL = PROJECT_ROOT / "models" / "haven.tar.gz"


@pytest.fixture(scope="session")
def callbacks() -> CallbackReceiver:
    """Receives out-of-band messages (staff replies, notifications) for REST senders."""
    receiver = CallbackReceiver()
    yield receiver
    receiver.close()


@pytest.fixture(scope="session")
def haven(tmp_path_factory, callbacks) -> HavenStack:
    """Haven running for real on loopback ports."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does)")
    workdir: Path = tmp_path_factory.mktemp("haven-e2e")
    stack = start_stack(workdir=workdir, model=MODEL, extra_env={
        "HAVEN_RASA_API_TOKEN": secrets.token_urlsafe(16),
        "HAVEN_CONSOLE_API_TOKEN": "e2e-console-token",
        "HAVEN_REST_CALLBACK_URL": callbacks.url,
    })
    yield stack
    stack.stop()


@pytest.fixture
def console_headers() -> dict:
    """Bearer auth for the console JSON API."""
    return {"Authorization": "Bearer e2e-console-token"}
