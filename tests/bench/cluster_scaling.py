"""`python -m tests.bench.cluster_scaling`: REST turns per second through nginx with 1 and then 2 Rasa instances."""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text

from bot.cli.cluster import prepare_database, start_cluster
from bot.settings import Settings
from tests.bench.stats import ms, percentile, ratio
from tests.conftest import _fresh_postgres_schema
from tests.e2e.stack import PROJECT_ROOT, free_port

MODEL = PROJECT_ROOT / "models" / "haven.tar.gz"
QUESTIONS = ("what are my rights", "how often will I get updates", "can I get compensation", "thank you")


async def _conversation(http: aiohttp.ClientSession, url: str, turns: int, latencies: list[float]) -> None:
    sender = f"bench-{uuid.uuid4().hex[:10]}"
    for turn in range(turns):
        started = time.perf_counter()
        async with http.post(url, json={"sender": sender, "message": QUESTIONS[turn % len(QUESTIONS)]}) as reply:
            await reply.read()
            if reply.status != 200:
                raise RuntimeError(f"turn answered {reply.status}")
        latencies.append(time.perf_counter() - started)


async def measure(public_url: str, conversations: int, turns: int) -> tuple[float, list[float]]:
    """(turns per second, per-turn latencies) for `conversations` concurrent REST conversations."""
    latencies: list[float] = []
    url = f"{public_url}/webhooks/rest/webhook"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as http:
        await _conversation(http, url, 2, [])  # warm-up: the first turn of a process is slow
        started = time.perf_counter()
        await asyncio.gather(*(_conversation(http, url, turns, latencies) for _ in range(conversations)))
        elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies


def run_one(instances: int, conversations: int, turns: int, base_url: str, redis_url: str) -> tuple[float, list[float]]:
    """Start a cluster of `instances` on a fresh schema, measure, stop it."""
    database_url, schema = _fresh_postgres_schema(base_url)
    os.environ.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        HAVEN_ENV="test",
        HAVEN_RATE_LIMIT_SENDER="6000/m",
        HAVEN_RATE_LIMIT_ADDRESS="60000/m",
    )
    prepare_database(dict(os.environ), seed=True)
    port = free_port()
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
    try:
        if not cluster.wait_until_up(600):
            raise RuntimeError("the cluster did not start")
        return asyncio.run(measure(cluster.public_url, conversations, turns))
    finally:
        cluster.stop()
        engine = create_engine(base_url)
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.cluster_scaling", description=__doc__)
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--turns", type=int, default=6)
    parser.add_argument(
        "--database", default=os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args(argv)
    rows = {}
    for instances in (1, 2):
        rows[instances] = run_one(instances, args.conversations, args.turns, args.database, args.redis)
    print(f"REST through nginx, {args.conversations} concurrent conversations x {args.turns} turns")
    print("| instances | turns/s | p50 | p95 | p99 |\n|---|---|---|---|---|")
    for instances, (rate, latencies) in rows.items():
        p50, p95, p99 = (percentile(latencies, q) for q in (50, 95, 99))
        print(f"| {instances} | {rate:.1f} | {ms(p50)} | {ms(p95)} | {ms(p99)} |")
    print(f"scaling ratio (2 vs 1): {ratio(rows[2][0], rows[1][0])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
