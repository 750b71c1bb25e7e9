"""One real cluster for the module: nginx, two Rasa servers, the action server and the worker on PostgreSQL + Redis."""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.cli.cluster import Cluster, nginx_binary, prepare_database, redis_answers, start_cluster
from bot.settings import Settings
from tests.cluster.talk import add_staff
from tests.conftest import _fresh_postgres_schema
from tests.e2e.conftest import ThreadedTwilio
from tests.e2e.stack import PROJECT_ROOT, free_port
from tests.e2e.tokens import issue_token
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "").strip() or "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = os.environ.get("TEST_CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/14")  # a database of its own
MODEL = PROJECT_ROOT / "models" / "haven.tar.gz"
STAFF_USERNAME = "cluster.worker"
START_TIMEOUT = 420.0  # two Rasa servers loading the model at once on a shared 2-core machine


def _postgres_answers() -> bool:
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure to connect means "not available here"
        return False
    finally:
        engine.dispose()


def _skip_reason() -> str | None:
    if nginx_binary() is None:
        return "nginx is not installed (apt-get install nginx-light; CI installs it)"
    if not _postgres_answers():
        return f"PostgreSQL does not answer at {POSTGRES_URL} (TEST_DATABASE_URL)"
    if not redis_answers(REDIS_URL):
        return f"Redis does not answer at {REDIS_URL} (TEST_CLUSTER_REDIS_URL)"
    return None


def upstreams_in_log(cluster: Cluster, path: str) -> list[str]:
    """The instance (host:port) nginx sent each request for `path` to, oldest first."""
    log = Path(cluster.run_dir, "access.log")
    lines = log.read_text().splitlines() if log.exists() else []
    return [m.group(1) for line in lines if f" {path} " in line and (m := re.search(r"upstream=(\S+)", line))]


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def twilio() -> ThreadedTwilio:
    """Twilio's Messages API, served locally."""
    fake = ThreadedTwilio()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, twilio) -> Cluster:
    """The cluster as `python -m bot cluster` starts it; instance 0 leaves web chat delivery to instance 1, so a
    reply to a browser on instance 0 must cross instances through Redis."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    database_url, schema = _fresh_postgres_schema(POSTGRES_URL)
    run_dir = tmp_path_factory.mktemp("haven-cluster")
    port, instance_ports = free_port(), [free_port(), free_port()]
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "HAVEN_ENV": "test",
        "HAVEN_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "HAVEN_RATE_LIMIT_SENDER": "600/m",
        "HAVEN_RATE_LIMIT_ADDRESS": "6000/m",
        "HAVEN_OUTBOX_POLL_MS": "100",
        # HAVEN_INBOX_LEASE_SECONDS stays at its default (15 s): a fresh instance's first turn holds its event loop
        # for seconds, and a shorter lease would let the other instance take a live turn over.
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "TWILIO_API_BASE_URL": twilio.base_url,
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)  # read by start_cluster's children; restored below
    log = open(run_dir / "cluster.log", "w")  # noqa: SIM115 (closed after the processes)
    try:
        prepare_database(dict(os.environ), seed=True)
        settings = Settings.from_env()
        running = start_cluster(
            settings,
            model=str(MODEL),
            host="127.0.0.1",
            port=port,
            instance_ports=instance_ports,
            action_port=free_port(),
            run_dir=run_dir,
            log=log,
            instance_env=[{"HAVEN_WEBCHAT_DELIVERY": "0"}, {}],
        )
        if not running.wait_until_up(START_TIMEOUT):
            running.stop()
            pytest.fail(f"the cluster did not start; log:\n{(run_dir / 'cluster.log').read_text()[-4000:]}")
        yield running
        running.stop()
    finally:
        log.close()
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def wait_for(condition, timeout: float, what: str):
    """Wait until `condition()` is truthy and return it; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
    return result


@pytest.fixture(scope="module")
def staff(cluster) -> str:
    """A console worker's username (password: tests.handoff.factories.PASSWORD)."""
    add_staff(cluster, STAFF_USERNAME)
    return STAFF_USERNAME


@pytest.fixture(scope="module")
def console_headers(cluster, staff) -> dict:
    """Bearer auth for the console JSON API, as the worker (`python -m bot staff token`)."""
    return {"Authorization": f"Bearer {issue_token(cluster, staff)}"}
