"""`python -m bot run`: start the action server, the Rasa server and the worker together; Ctrl-C stops all three."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

from bot.serving_checks import serving_problems
from bot.settings import PROJECT_ROOT, Settings, get_settings

VENV_BIN = Path(sys.executable).parent


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float) -> bool:
    """Poll `url` until it answers, the process dies, or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback URL we built)
                return True
        except OSError:
            time.sleep(0.5)
    return False


def _stop(processes: list[subprocess.Popen]) -> None:
    """Terminate the children, then kill any that linger."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def build_commands(*, model: str, host: str, port: int, action_port: int) -> tuple[list[str], list[str]]:
    """The action-server and Rasa-server command lines (no secret on either: `ps` shows them)."""
    python = str(VENV_BIN / "python")
    actions = [python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)]
    rasa = [
        python,
        "-m",
        "bot.cli.rasa_server",
        "run",
        "--model",
        model,
        "--credentials",
        "credentials.yml",
        "--endpoints",
        "endpoints.yml",
        "--interface",
        host,
        "--port",
        str(port),
    ]
    return actions, rasa


def worker_command() -> list[str]:
    """The worker process: outbox delivery (not web chat, which the Rasa server delivers), notifications,
    retention (bot/worker)."""
    return [str(VENV_BIN / "python"), "-m", "bot", "worker"]


def _api_line(settings: Settings, base: str, token: str) -> str:
    if not settings.rasa_api_enabled:
        return "  Rasa HTTP API:   off (HAVEN_RASA_API_ENABLED=1 turns it on, on loopback only)\n"
    shown = "$HAVEN_RASA_API_TOKEN" if settings.rasa_api_token else f"{token} (generated for this run)"
    return f"  Rasa HTTP API:   {base}/status?token={shown}\n"


def _environment_line(settings: Settings) -> str:
    if settings.is_development:
        return (
            f"HAVEN_ENV={settings.environment}: a local trial. Keys are generated for this run and the REST "
            "channel is open without a token. Never use this mode with real victims."
        )
    return f"HAVEN_ENV={settings.environment}: every secret is set; channels without their secrets stay closed."


def main(argv: list[str]) -> int:
    """Run Haven until interrupted; refuse to start (exit 2) when a secret production needs is missing."""
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m bot run")
    parser.add_argument("--model", default="models/haven.tar.gz")
    parser.add_argument("--host", default=settings.bind_host)
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument("--action-port", type=int, default=5055)
    args = parser.parse_args(argv)
    settings = replace(settings, bind_host=args.host)
    problems = serving_problems(settings)
    if problems:
        print("Haven will not start:\n  - " + "\n  - ".join(problems), file=sys.stderr)
        print("Set them (README, Configuration), or HAVEN_ENV=development for a local trial.", file=sys.stderr)
        return 2
    print(_environment_line(settings), flush=True)
    token = settings.rasa_api_token or secrets.token_urlsafe(24)  # given to Rasa through the environment only
    env = dict(
        os.environ,
        SANIC_HOST="127.0.0.1",
        HAVEN_BIND_HOST=args.host,
        HAVEN_RASA_API_TOKEN=token,
        HAVEN_ACTION_SERVER_URL=f"http://127.0.0.1:{args.action_port}/webhook",
    )
    actions_cmd, rasa_cmd = build_commands(
        model=args.model, host=args.host, port=args.port, action_port=args.action_port
    )
    processes = [subprocess.Popen(actions_cmd, cwd=PROJECT_ROOT, env=env)]  # noqa: S603
    processes.append(subprocess.Popen(rasa_cmd, cwd=PROJECT_ROOT, env=env))  # noqa: S603
    processes.append(subprocess.Popen(worker_command(), cwd=PROJECT_ROOT, env=env))  # noqa: S603
    signal.signal(signal.SIGTERM, lambda *_: (_stop(processes), sys.exit(0)))
    try:
        base = f"http://127.0.0.1:{args.port}"
        if not _wait_until_up(f"{base}/chat", processes[1], timeout=240):
            print("Haven's Rasa server did not start; see the log above.", file=sys.stderr)
            _stop(processes)
            return 1
        print(
            f"\nHaven is running.\n"
            f"  Web chat:        {base}/chat\n"
            f"  Staff console:   {base}/console\n"
            f'  REST channel:    POST {base}/webhooks/rest/webhook  {{"sender": "me", "message": "hi"}}\n'
            f"{_api_line(settings, base, token)}"
            f"  Action server:   http://127.0.0.1:{args.action_port} (loopback only)\n"
            f"  Worker:          outbox delivery, case-update notifications, retention\n"
            f"Press Ctrl-C to stop.\n",
            flush=True,
        )
        while all(process.poll() is None for process in processes):
            time.sleep(1)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(processes)
