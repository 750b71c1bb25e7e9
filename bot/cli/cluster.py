"""`python -m bot cluster`: Rasa's distributed topology on one machine (nginx, N Rasa servers, actions, worker)."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from bot.cli.serve import VENV_BIN, _stop, build_commands, worker_command
from bot.serving_checks import serving_problems
from bot.settings import PROJECT_ROOT, Settings, get_settings

NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx-cluster.conf"
ENDPOINTS = "endpoints-cluster.yml"


def cluster_urls(settings: Settings) -> tuple[str, str]:
    """(database URL, Redis URL): the configured ones, or the local PostgreSQL and Redis (SQLite can't be shared)."""
    shared = not settings.database_url.startswith("sqlite")
    return (
        settings.database_url if shared else settings.cluster_database_url,
        settings.redis_url or settings.cluster_redis_url,
    )


def ensure_database(database_url: str) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist yet."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if not url.drivername.startswith("postgresql") or not url.database:
        return
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database})
            if exists.first() is None:
                connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        engine.dispose()


def lock_store_env(redis_url: str) -> dict[str, str]:
    """The variables endpoints-cluster.yml reads for Rasa's RedisLockStore (it takes host/port/db, not a URL)."""
    parsed = urlparse(redis_url)
    return {
        "HAVEN_LOCK_REDIS_HOST": parsed.hostname or "127.0.0.1",
        "HAVEN_LOCK_REDIS_PORT": str(parsed.port or 6379),
        "HAVEN_LOCK_REDIS_DB": parsed.path.strip("/") or "0",
        "HAVEN_LOCK_REDIS_PASSWORD": parsed.password or "",
    }


def render_nginx(run_dir: Path, *, host: str, port: int, instance_ports: list[int]) -> Path:
    """deploy/nginx-cluster.conf with the ports filled in, written to `run_dir`."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in instance_ports)
    config = NGINX_TEMPLATE.read_text().replace("{{SERVERS}}", servers)
    config = config.replace("{{RUN_DIR}}", str(run_dir)).replace("{{HOST}}", host).replace("{{PORT}}", str(port))
    path = run_dir / "nginx.conf"
    path.write_text(config)
    return path


def redis_answers(redis_url: str) -> bool:
    """Whether Redis answers a PING at `redis_url`."""
    import redis

    try:
        return bool(redis.Redis.from_url(redis_url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def nginx_binary() -> str | None:
    """nginx from PATH or Debian's /usr/sbin."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback URL we built)
            return True
    except OSError:
        return False


@dataclass
class Cluster:
    """The running processes: processes[0] the action server, then the Rasa instances, the worker, nginx."""

    public_url: str
    instance_urls: list[str]
    env: dict
    run_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    rasa_commands: list[list[str]] = field(default_factory=list)

    def rasa(self, index: int) -> subprocess.Popen:
        return self.processes[1 + index]

    def wait_until_up(self, timeout: float) -> bool:
        """Every Rasa instance, then the load balancer, answers; False if a process died or time ran out."""
        deadline = time.monotonic() + timeout
        urls = [f"{url}/webhooks/webchat/" for url in self.instance_urls] + [f"{self.public_url}/webhooks/webchat/"]
        while urls and time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                return False
            if answers(urls[0]):
                urls.pop(0)
            else:
                time.sleep(0.5)
        return not urls

    def stop(self) -> None:
        _stop(list(reversed(self.processes)))  # nginx first: no new requests reach a stopping instance


def start_cluster(
    settings: Settings,
    *,
    model: str,
    host: str,
    port: int,
    instance_ports: list[int],
    action_port: int,
    run_dir: Path,
    extra_env: dict | None = None,
    instance_env: list[dict] | None = None,
    log=None,
) -> Cluster:
    """Start the action server, one `rasa run` per port in `instance_ports`, the worker and nginx (not waited on)."""
    database_url, redis_url = cluster_urls(settings)
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SANIC_HOST="127.0.0.1",
        SANIC_PROXIES_COUNT="1",  # behind nginx: the client's address is the last X-Forwarded-For entry
        HAVEN_BIND_HOST="127.0.0.1",
        HAVEN_ACTION_SERVER_URL=f"http://127.0.0.1:{action_port}/webhook",
        HAVEN_RASA_API_TOKEN=settings.rasa_api_token or secrets.token_urlsafe(24),
        **lock_store_env(redis_url),
        HAVEN_SECRET_KEY=settings.secret_key,  # one key for every instance: a web session resumes on any of them
    )
    env.update(extra_env or {})
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    conf = render_nginx(run_dir, host=host, port=port, instance_ports=instance_ports)
    output = {"stdout": log, "stderr": subprocess.STDOUT} if log is not None else {}
    cluster = Cluster(f"http://127.0.0.1:{port}", [f"http://127.0.0.1:{p}" for p in instance_ports], env, run_dir)
    for index, instance_port in enumerate(instance_ports):
        actions_cmd, rasa_cmd = build_commands(
            model=model, host="127.0.0.1", port=instance_port, action_port=action_port
        )
        rasa_cmd[rasa_cmd.index("endpoints.yml")] = ENDPOINTS
        if index == 0:
            cluster.processes.append(subprocess.Popen(actions_cmd, cwd=PROJECT_ROOT, env=env, **output))  # noqa: S603
        cluster.rasa_commands.append(rasa_cmd)
        instance = dict(env, **((instance_env or [])[index] if index < len(instance_env or []) else {}))
        cluster.processes.append(subprocess.Popen(rasa_cmd, cwd=PROJECT_ROOT, env=instance, **output))  # noqa: S603
    cluster.processes.append(subprocess.Popen(worker_command(), cwd=PROJECT_ROOT, env=env, **output))  # noqa: S603
    nginx_cmd = [nginx, "-p", str(run_dir), "-c", str(conf), "-g", "daemon off;"]
    cluster.processes.append(subprocess.Popen(nginx_cmd, cwd=run_dir, env=env, **output))  # noqa: S603
    return cluster


def prepare_database(env: dict, *, seed: bool) -> None:
    """Create the database if missing, migrate it, and (with `seed`) load the directory and sample cases."""
    ensure_database(env["DATABASE_URL"])
    python = str(VENV_BIN / "python")
    subprocess.run([python, "-m", "bot", "migrate"], cwd=PROJECT_ROOT, env=env, check=True)  # noqa: S603
    if seed:
        subprocess.run([python, "-m", "bot", "seed"], cwd=PROJECT_ROOT, env=env, check=True)  # noqa: S603


def main(argv: list[str]) -> int:
    """Run the cluster until interrupted (Ctrl-C or SIGTERM stops every process)."""
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m bot cluster")
    parser.add_argument("--model", default="models/haven.tar.gz")
    parser.add_argument("--host", default=settings.bind_host, help="the load balancer's interface")
    parser.add_argument("--port", type=int, default=5005, help="the load balancer's (public) port")
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--first-instance-port", type=int, default=5101)
    parser.add_argument("--action-port", type=int, default=5055)
    parser.add_argument("--seed", action="store_true", help="load the directory and sample cases first")
    args = parser.parse_args(argv)
    problems = serving_problems(settings)
    if problems:
        print("Haven will not start:\n  - " + "\n  - ".join(problems), file=sys.stderr)
        return 2
    database_url, redis_url = cluster_urls(settings)
    env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url)
    try:
        prepare_database(env, seed=args.seed)
    except Exception as error:  # shown to the operator, then exit
        print(f"The cluster's database is not usable ({type(error).__name__}); is PostgreSQL running?", file=sys.stderr)
        return 2
    if not redis_answers(redis_url):
        print("Redis does not answer at REDIS_URL (locks and web chat need it).", file=sys.stderr)
        return 2
    ports = [args.first_instance_port + i for i in range(args.instances)]
    run_dir = Path(tempfile.mkdtemp(prefix="haven-cluster-"))
    cluster = start_cluster(
        settings,
        model=args.model,
        host=args.host,
        port=args.port,
        instance_ports=ports,
        action_port=args.action_port,
        run_dir=run_dir,
    )
    signal.signal(signal.SIGTERM, lambda *_: (cluster.stop(), sys.exit(0)))
    try:
        if not cluster.wait_until_up(timeout=300):
            print("The cluster did not start; see the log above.", file=sys.stderr)
            return 1
        print(
            f"\nHaven cluster is running.\n  Load balancer:   {args.host}:{args.port} (nginx, {run_dir}/nginx.conf)\n"
            f"  Rasa instances:  {', '.join(cluster.instance_urls)}\n"
            f"  Action server:   127.0.0.1:{args.action_port}\n"
            f"  Database:        PostgreSQL (DATABASE_URL)   Locks and web chat: Redis (REDIS_URL)\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
        while all(process.poll() is None for process in cluster.processes):
            time.sleep(1)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()
