"""The staff console served by a real process, mounted as `rasa run` mounts it (a Rasa agent without a model).

Run as `python -m tests.loops.console_server PORT` with DATABASE_URL set; `console_server()` does that for a test.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.stack import PROJECT_ROOT, VENV_BIN
from tests.loops.served import served


@contextmanager
def console_server(*, database_url: str, log_path: Path) -> Iterator[tuple[str, int]]:
    """The console on a free loopback port, stopped after the block; yields (host, port)."""
    env = dict(os.environ, DATABASE_URL=database_url, HAVEN_ENV="test", SQLALCHEMY_SILENCE_UBER_WARNING="1",
               TF_CPP_MIN_LOG_LEVEL="3")
    command = lambda port: [str(VENV_BIN / "python"), "-m", "tests.loops.console_server", str(port)]  # noqa: E731
    with served(command, env=env, log_path=log_path, health_path="/console/login", what="the console") as address:
        yield address


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
