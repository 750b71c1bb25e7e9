"""Case feed throughput through the real HTTP endpoint: new events per second, and idempotent replays per second.

`python -m tests.bench.feed [--events N] [--concurrency C] [--database-url URL]` prints the section.
POST /api/v1/case-events is served as `rasa run` mounts it (see tests/feed/conftest.py) on a loopback socket,
over a fresh database (a temporary SQLite file unless an empty database's URL is given) with CASES cases whose
victims are verified, so each event also queues the victim's nudge. The client runs in the same process (one
event loop), so the figures are for the endpoint and its client sharing the cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from rasa.core.channels.channel import register
from sanic import Sanic

from bot import migrate
from bot.cases.identities import link_verified
from bot.db import session_scope
from bot.feed.http import REPLAY_HEADER, CaseFeedInput
from bot.feed.integrations import add_integration
from bot.settings import get_settings
from tests.bench.load import http_session
from tests.bench.report import Section
from tests.bench.stats import ms, percentile
from tests.cases.factories import make_case
from tests.fakes import listening_socket, running_sanic

EVENTS_PATH = "/api/v1/case-events"
CASES = 20


@dataclass
class Burst:
    """One pass of events: HTTP statuses seen, replay headers seen, latencies and wall time."""

    name: str
    statuses: dict[int, int] = field(default_factory=dict)
    replayed: int = 0
    latencies: list[float] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def per_second(self) -> float:
        """Events answered 2xx per second (refusals and errors do not count)."""
        accepted = sum(count for status, count in self.statuses.items() if 200 <= status < 300)
        return accepted / self.wall_seconds if self.wall_seconds else 0.0


def _prepare(url: str) -> str:
    """A migrated database the app's sessions use, CASES cases with verified victims; the integration's token."""
    migrate.upgrade(url)
    os.environ.update(DATABASE_URL=url, HAVEN_ENV="test")
    get_settings.cache_clear()
    with session_scope() as session:
        token, _row = add_integration(session, "bench-rms")
        for number in range(CASES):
            _case, victim = make_case(session, reference=f"SP/{30000 + number}/26")
            link_verified(session, channel="sms", address=f"+4477009{number:05d}", victim_id=victim.id)
    return token


def _events(count: int) -> list[dict]:
    """`count` timeline updates a victim may be told, spread over the cases."""
    return [{"kind": "update", "event_id": f"bench-{n}", "reference": f"SP/{30000 + n % CASES}/26",
             "occurred_at": "2026-11-20T09:30:00Z", "summary": f"Update {n}: the officer has new information.",
             "victim_may_be_told": True} for n in range(count)]  # fmt: skip


async def _burst(name: str, base_url: str, token: str, events: list[dict], concurrency: int) -> Burst:
    """POST every event, at most `concurrency` in flight."""
    result = Burst(name)
    queue: asyncio.Queue[dict] = asyncio.Queue()
    for body in events:
        queue.put_nowait(body)
    headers = {"Authorization": f"Bearer {token}"}
    async with http_session() as http:

        async def sender() -> None:
            while not queue.empty():
                body = queue.get_nowait()
                started = time.perf_counter()
                async with http.post(base_url + EVENTS_PATH, json=body, headers=headers) as reply:
                    await reply.read()
                    result.latencies.append(time.perf_counter() - started)
                    result.statuses[reply.status] = result.statuses.get(reply.status, 0) + 1
                    result.replayed += reply.headers.get(REPLAY_HEADER) == "true"

        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        result.wall_seconds = time.perf_counter() - started
    return result


async def measure(events: int, concurrency: int, database_url: str | None = None) -> list[Burst]:
    """New events, then the same events again (every one an idempotent replay)."""
    bodies = _events(events)
    test_mode = Sanic.test_mode
    Sanic.test_mode = True  # as tests/feed/conftest.py: no signal handlers, a throwaway app name
    try:
        with tempfile.TemporaryDirectory() as workdir:
            token = _prepare(database_url or f"sqlite:///{Path(workdir) / 'feed.db'}")
            app = Sanic(f"haven_feed_bench_{uuid.uuid4().hex[:12]}")
            app.config.ACCESS_LOG = False
            register([CaseFeedInput.from_credentials({})], app, route="/webhooks/")
            sock, base_url = listening_socket()
            async with running_sanic(app, sock):
                await _burst("warm-up", base_url, token, _events(5), 1)  # not counted: other event ids
                fresh = [{**body, "event_id": f"timed-{body['event_id']}"} for body in bodies]
                first = await _burst("new events", base_url, token, fresh, concurrency)
                replays = await _burst("idempotent replays (same events again)", base_url, token, fresh, concurrency)
            return [first, replays]
    finally:
        Sanic.test_mode = test_mode


def section(bursts: list[Burst], concurrency: int, database: str = "SQLite") -> Section:
    part = Section("4e. Case feed throughput (issue 13): POST /api/v1/case-events over HTTP")
    part.text(f"{len(bursts[0].latencies)} `update` events over {CASES} cases with verified victims (each new "
              f"event adds a timeline entry and queues a nudge in one transaction), {concurrency} in flight, "
              f"fresh {database} database, client and endpoint in one process on loopback; then the same events again.")
    rows = [[burst.name, f"{burst.per_second:.0f} /s", ms(percentile(burst.latencies, 50)),
             ms(percentile(burst.latencies, 95)), ", ".join(f"HTTP {code}: {n}" for code, n in
                                                            sorted(burst.statuses.items())),
             str(burst.replayed)] for burst in bursts]
    part.table(["pass", "throughput (2xx answers)", "p50", "p95", "answers", "marked replayed"], rows)
    part.commands(f"python -m tests.bench.feed --events {len(bursts[0].latencies)} --concurrency {concurrency}")
    return part


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.feed", description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default=None, help="an empty database (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    bursts = asyncio.run(measure(args.events, args.concurrency, args.database_url))
    database = args.database_url.split(":", 1)[0] if args.database_url else "SQLite"
    print(section(bursts, args.concurrency, database).render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
