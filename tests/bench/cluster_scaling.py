"""`python -m tests.bench.cluster_scaling`: 1 and 2 Rasa instances behind nginx, on every path and load level.

The cluster is the one `make run-cluster` starts (nginx, Rasa instances, action server, worker; PostgreSQL and
Redis), on a fresh PostgreSQL schema per instance count. The bench's own clients and scripts (tests/bench/load.py)
talk to nginx's public port: plain REST, signed SMS webhooks answered through a local fake Twilio, and web chat
over socket.io, each web chat client from its own loopback address so that nginx's sticky `ip_hash` spreads them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.cli.cluster import Cluster, prepare_database, start_cluster
from bot.settings import Settings
from tests.bench import load
from tests.bench.harness import TimedTwilioApi, bench_env
from tests.bench.load import LevelResult
from tests.bench.report import Section
from tests.bench.stats import ms, percentile, ratio
from tests.conftest import _fresh_postgres_schema
from tests.e2e.stack import PROJECT_ROOT, free_port

MODEL = PROJECT_ROOT / "models" / "haven.tar.gz"
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
LEVEL_TIMEOUT = 300.0
INSTANCE_COUNTS = (1, 2)


@dataclass
class ClusterTarget:
    """What the bench's clients need of a running cluster: its public URL and the fake Twilio it texts."""

    base_url: str
    twilio: TimedTwilioApi

    def client_address(self, conversation_id: str) -> str:
        """A loopback source address per conversation, differing in the third octet (what ip_hash reads)."""
        return f"127.0.{zlib.crc32(conversation_id.encode()) % 250 + 1}.1"


def _start(instances: int, twilio_url: str, database: str, redis_url: str) -> tuple[Cluster, str]:
    """A cluster of `instances` on a fresh schema, seeded; (cluster, schema)."""
    database_url, schema = _fresh_postgres_schema(database)
    port = free_port()
    os.environ.update(
        {key: str(value) for key, value in bench_env(twilio_url, "unused").items() if key != "HAVEN_RASA_API_TOKEN"},
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        HAVEN_ENV="test",
        HAVEN_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        HAVEN_RATE_LIMIT_SENDER="6000/m",
        HAVEN_RATE_LIMIT_ADDRESS="60000/m",
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    prepare_database(dict(os.environ), seed=True)
    cluster = start_cluster(
        Settings.from_env(),
        model=str(MODEL),
        host="127.0.0.1",
        port=port,
        instance_ports=[free_port() for _ in range(instances)],
        action_port=free_port(),
        run_dir=Path(tempfile.mkdtemp(prefix="haven-bench-cluster-")),
        log=open(os.devnull, "w"),  # noqa: SIM115 (the children inherit it)
    )
    if not cluster.wait_until_up(600):
        cluster.stop()
        raise RuntimeError("the cluster did not start")
    return cluster, schema


def _drop(database: str, schema: str) -> None:
    engine = create_engine(database)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()


async def measure_instances(
    instances: int, levels: dict[int, int], *, database: str = DEFAULT_DATABASE, redis_url: str = DEFAULT_REDIS
) -> list[LevelResult]:
    """Every path at every level (concurrency -> conversations) through nginx in front of `instances`."""
    twilio = TimedTwilioApi()
    twilio_url = await twilio.start()
    saved = dict(os.environ)
    try:
        cluster, schema = await asyncio.to_thread(_start, instances, twilio_url, database, redis_url)
        try:
            target = ClusterTarget(cluster.public_url, twilio)
            results, _expected = await load.run_all(target, levels=levels, level_timeout=LEVEL_TIMEOUT)
            return results
        finally:
            await asyncio.to_thread(cluster.stop)
            await asyncio.to_thread(_drop, database, schema)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        await twilio.stop()


def measure(levels: dict[int, int], **where: str) -> dict[int, list[LevelResult]]:
    """The results per instance count, one cluster after the other."""
    return {count: asyncio.run(measure_instances(count, levels, **where)) for count in INSTANCE_COUNTS}


def _rate(level: LevelResult) -> float:
    return len(level.latencies) / level.wall_seconds if level.wall_seconds else 0.0


def section(results: dict[int, list[LevelResult]]) -> Section:
    """Turns per second and p50/p95/p99 per instance count, path and level, and the scaling ratio."""
    result = Section("6c. One and two Rasa instances behind nginx (issue 12)")
    one = {(level.path, level.concurrency): level for level in results[1]}
    rows = []
    for two in results[2]:
        single = one.get((two.path, two.concurrency))
        for count, level in ((1, single), (2, two)):
            if level is None:
                continue
            p50, p95, p99 = (percentile(level.latencies, q) for q in (50, 95, 99))
            scaling = ratio(_rate(two), _rate(single)) if count == 2 and single else ""
            busy = f"{level.machine_busy:.0%}" if level.machine_busy is not None else "-"
            rows.append([str(level.concurrency), level.path, str(count), str(level.turns), f"{_rate(level):.1f}",
                         ms(p50), ms(p95), ms(p99), str(level.errors), str(level.lost), busy, scaling])
    result.table(["concurrent", "path", "instances", "turns", "turns/s", "p50", "p95", "p99", "errors",
                  "lost replies", "machine busy", "2 vs 1 (turns/s)"], rows)
    result.text(
        "Method: the load step's scripts and clients (section 3), with nginx's public port as the target; "
        "the same machine runs nginx, every Rasa instance, the action server, the worker, PostgreSQL, Redis "
        "and the clients ('machine busy': the share of both cores in use during the level, from /proc/stat). "
        "Goals (issue 12): 2 instances at least 1.6x the turns per second of 1; p95 at 10 concurrent at most "
        "400 ms on one instance."
    )
    result.commands("python -m tests.bench.cluster_scaling")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.cluster_scaling", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer conversations per level (a smoke run)")
    parser.add_argument("--database", default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_DATABASE)
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    args = parser.parse_args(argv)
    print(section(measure(load.levels(args.quick), database=args.database, redis_url=args.redis)).render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
