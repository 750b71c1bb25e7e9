"""Start Haven's real processes (action server, Rasa server, worker) for end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
E2E_WORKER = "e2e.worker"


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class HavenStack:
    """Running Haven processes and how to reach them."""

    base_url: str
    env: dict
    processes: list[subprocess.Popen] = field(default_factory=list)
    log_path: Path | None = None
    ready_seconds: float | None = None  # from starting the Rasa server to its first answer on /
    action_command: list[str] = field(default_factory=list)  # how the action server was started
    action_url: str = ""  # the action server's base URL
    rasa_command: list[str] = field(default_factory=list)  # how the Rasa server was started

    def _start_action_server(self) -> subprocess.Popen:
        log = open(self.log_path, "a") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        return subprocess.Popen(
            self.action_command, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def stop_action_server(self) -> None:
        """Stop the action server, as a crash would: Rasa's calls to custom actions then fail."""
        process = self.processes[0]
        process.terminate()
        process.wait(timeout=20)

    def start_action_server(self, attempts: int = 240) -> None:
        """Start the action server again; wait (up to `attempts` quarter-seconds) until it answers /health."""
        process = self.processes[0] = self._start_action_server()
        for _ in range(attempts):
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.action_url + "/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError("the action server did not come back")

    def kill_rasa_server(self) -> None:
        """kill -9 the Rasa server, as a crash or a lost machine would: nothing in it gets to finish."""
        process = self.processes[1]
        process.kill()
        process.wait(timeout=20)

    def start_rasa_server(self, timeout: float = 240.0) -> None:
        """Start the Rasa server again with the same command; wait until it answers."""
        log = open(self.log_path, "a") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        process = self.processes[1] = subprocess.Popen(
            self.rasa_command, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if self.get_json("/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("the Rasa server did not come back")

    @contextmanager
    def action_server_stopped(self) -> Iterator[None]:
        """The action server is down inside the block, and running again after it (even if the block fails)."""
        self.stop_action_server()
        try:
            yield
        finally:
            self.start_action_server()

    def post_json(self, path: str, payload: dict, headers: dict | None = None) -> tuple[int, object]:
        """POST JSON to the Rasa server; returns (status, decoded body)."""
        request = urllib.request.Request(
            self.base_url + path,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        return _send(request)

    def get_json(self, path: str, headers: dict | None = None) -> tuple[int, object]:
        """GET from the Rasa server; returns (status, decoded body)."""
        return _send(urllib.request.Request(self.base_url + path, headers=headers or {}))

    def say(self, sender: str, text: str) -> list[dict]:
        """Send `text` as `sender` over the REST channel; the bot's replies."""
        status, body = self.post_json("/webhooks/rest/webhook", {"sender": sender, "message": text})
        assert status == 200, body
        return body  # type: ignore[return-value]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _send(request: urllib.request.Request) -> tuple[int, object]:
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        return status, json.loads(raw or b"null")
    except json.JSONDecodeError:
        return status, raw.decode(errors="replace")


def start_stack(
    *,
    workdir: Path,
    model: Path,
    extra_env: dict,
    credentials: str | Path = "credentials.yml",
    endpoints: str | Path = "endpoints.yml",
    rasa_command: list[str] | None = None,
    start_timeout: float = 240.0,
) -> HavenStack:
    """Migrate and seed a fresh database, then start the action server, the Rasa server and the worker.

    `credentials` and `endpoints` pick Rasa's files; `rasa_command` replaces Haven's launcher of `rasa`
    (`python -m bot.cli.rasa_server`, e.g. by a profiling launcher taking the same arguments);
    `start_timeout` bounds the wait for readiness. Rasa's HTTP API is off unless `extra_env` turns it on
    (HAVEN_RASA_API_ENABLED); the rate limits are set high, since every test client shares 127.0.0.1.
    """
    port, action_port = free_port(), free_port()
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{workdir / 'haven-e2e.db'}",
        HAVEN_ENV="test",
        SANIC_HOST="127.0.0.1",
        HAVEN_ACTION_SERVER_URL=f"http://127.0.0.1:{action_port}/webhook",
        HAVEN_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        TF_CPP_MIN_LOG_LEVEL="3",
        HAVEN_RATE_LIMIT_SENDER="600/m",
        HAVEN_RATE_LIMIT_ADDRESS="6000/m",
        HAVEN_OUTBOX_POLL_MS="100",  # the worker process looks for messages queued by the Rasa server this often
        HAVEN_NOTIFY_INTERVAL_SECONDS="2",
    )
    env.update(extra_env)
    python = str(VENV_BIN / "python")
    for command in (["-m", "bot", "migrate"], ["-m", "bot", "seed", "--no-demo-staff"]):
        subprocess.run([python, *command], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [
            python,
            "-m",
            "bot",
            "staff",
            "add",
            E2E_WORKER,
            "--role",
            "worker",
            "--name",
            "E2E Worker",
            "--password-stdin",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        input=b"correct horse battery staple\n",
    )
    log = open(workdir / "haven-e2e.log", "w")  # noqa: SIM115 (closed with the processes)
    stack = HavenStack(
        base_url=f"http://127.0.0.1:{port}",
        env=env,
        log_path=workdir / "haven-e2e.log",
        action_command=[python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
        action_url=f"http://127.0.0.1:{action_port}",
    )
    stack.processes.append(  # processes[0]: the action server (see stop_action_server)
        subprocess.Popen(stack.action_command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    )
    stack.rasa_command = [
        *(rasa_command or [python, "-m", "bot.cli.rasa_server"]),
        "run", "--model", str(model), "--credentials", str(credentials), "--endpoints", str(endpoints),
        "--interface", "127.0.0.1", "--port", str(port),
    ]
    stack.processes.append(  # processes[1]: the Rasa server (see kill_rasa_server)
        subprocess.Popen(stack.rasa_command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    )
    stack.processes.append(  # the worker: outbox delivery (not web chat), notifications, retention
        subprocess.Popen(
            [python, "-m", "bot", "worker"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    )
    started = time.monotonic()
    deadline = started + start_timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in stack.processes):
            break
        try:
            status, _ = stack.get_json("/")
            if status == 200:
                stack.ready_seconds = time.monotonic() - started
                return stack
        except OSError:
            pass
        time.sleep(0.5)
    stack.stop()
    raise RuntimeError(f"Haven did not start; log:\n{(workdir / 'haven-e2e.log').read_text()[-4000:]}")
