"""The staff console served by a real process, mounted as `rasa run` mounts it (a Rasa agent without a model).

Run as `python -m tests.loops.console_server PORT` with DATABASE_URL set; `console_server()` does that for a test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.stack import PROJECT_ROOT, VENV_BIN, free_port


@contextmanager
def console_server(*, database_url: str, log_path: Path) -> Iterator[tuple[str, int]]:
    """The console on a free loopback port, stopped after the block; yields (host, port)."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, HAVEN_ENV="test", SQLALCHEMY_SILENCE_UBER_WARNING="1",
               TF_CPP_MIN_LOG_LEVEL="3")
    command = [str(VENV_BIN / "python"), "-m", "tests.loops.console_server", str(port)]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_serving(process, port, log_path)
            yield ("127.0.0.1", port)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_serving(process: subprocess.Popen, port: int, log_path: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/console/login", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"the console did not start; log:\n{log_path.read_text()[-3000:]}")


def serve(port: int) -> None:
    """Build the Rasa app with the console channel, as the Rasa server does, and serve it until stopped."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import register
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.server import create_app
    from rasa.shared.core.domain import Domain

    from bot.console.channel import ConsoleInput
    from bot.tracker_store import HavenTrackerStore

    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    agent = Agent(domain=domain, tracker_store=HavenTrackerStore(domain=domain), lock_store=InMemoryLockStore())
    app = create_app(agent=agent)
    register([ConsoleInput.from_credentials({})], app, route="/webhooks/")
    app.run(host="127.0.0.1", port=port, workers=1, access_log=False)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
