"""Fixtures that run Haven's outbox worker for tests: in this event loop, or as a real `python -m bot worker`."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.outbox.policy import RetryPolicy
from bot.outbox.worker import OutboxWorker
from tests.fakes import wait_until

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FAST_POLICY = RetryPolicy(base_seconds=0.05, cap_seconds=0.2, jitter=0.0)
READY_LINE = "worker started"
STOPPED_LINE = "worker stopped"


@asynccontextmanager
async def running_outbox_worker(
    *,
    channels: Iterable[str] | None = None,
    engine: Engine | None = None,
    policy: RetryPolicy = FAST_POLICY,
    poll_interval: float = 0.05,
) -> AsyncIterator[OutboxWorker]:
    """An outbox worker running in this event loop for the block (channels: every registered sender by default)."""
    worker = OutboxWorker(policy=policy, poll_interval=poll_interval, engine=engine, channels=channels)
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


@pytest.fixture
async def outbox_worker(db_url: str) -> AsyncIterator[OutboxWorker]:
    """A fast outbox worker on the test database, delivering every channel with a registered sender."""
    async with running_outbox_worker() as worker:
        yield worker


class WorkerProcess:
    """`python -m bot worker` as a child process with its own log file."""

    def __init__(self, env: dict[str, str], log_path: Path, args: list[str]) -> None:
        self.env, self.log_path, self.args = env, log_path, args
        self.process: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        log = open(self.log_path, "a")  # noqa: SIM115 (the child keeps it open)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker", *self.args],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        return self

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    async def ready(self, timeout: float = 60.0) -> WorkerProcess:
        """Wait until the worker says it started (fails the test if it exits first or takes too long)."""
        assert self.process is not None
        await wait_until(lambda: READY_LINE in self.log() or self.process.poll() is not None, timeout, 0.05)
        assert self.process.poll() is None, self.log()[-3000:]
        return self

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Send `sig` and wait for the exit code (without blocking the event loop the fakes run on)."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return await asyncio.to_thread(self.process.wait, timeout)

    def kill_now(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def worker_environment(db_url: str, **extra: str) -> dict[str, str]:
    """The environment of a test worker: the test database, quick polling, retention off unless asked."""
    env = dict(
        os.environ,
        DATABASE_URL=db_url,
        HAVEN_ENV="test",
        HAVEN_OUTBOX_POLL_MS="50",
        HAVEN_RETENTION_INTERVAL_MINUTES="0",
        HAVEN_NOTIFY_INTERVAL_SECONDS="1",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    env.update(extra)
    return env


@pytest.fixture
def worker_processes(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """A factory of started worker processes: `start(env, *args)`; every one left running is killed afterwards."""
    started: list[WorkerProcess] = []

    def start(env: dict[str, str], *args: str) -> WorkerProcess:
        worker = WorkerProcess(env, tmp_path / f"worker-{len(started)}.log", list(args)).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill_now()
