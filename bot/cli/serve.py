"""`python -m bot run`: start the action server and the Rasa server together; Ctrl-C stops both."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.settings import PROJECT_ROOT, get_settings

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


def build_commands(*, model: str, host: str, port: int, action_port: int, token: str) -> tuple[list[str], list[str]]:
    """The action-server and Rasa-server command lines."""
    actions = [str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)]
    rasa = [
        str(VENV_BIN / "rasa"),
        "run",
        "--model",
        model,
        "--enable-api",
        "--auth-token",
        token,
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


def main(argv: list[str]) -> int:
    """Run Haven until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m bot run")
    parser.add_argument("--model", default="models/haven.tar.gz")
    parser.add_argument("--host", default=os.environ.get("HAVEN_BIND_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument("--action-port", type=int, default=5055)
    args = parser.parse_args(argv)
    settings = get_settings()
    token = settings.rasa_api_token or secrets.token_urlsafe(24)
    shown_token = "$HAVEN_RASA_API_TOKEN" if settings.rasa_api_token else f"{token} (generated for this run)"
    env = dict(
        os.environ,
        SANIC_HOST="127.0.0.1",
        HAVEN_RASA_API_TOKEN=token,
        HAVEN_ACTION_SERVER_URL=f"http://127.0.0.1:{args.action_port}/webhook",
    )
    actions_cmd, rasa_cmd = build_commands(
        model=args.model, host=args.host, port=args.port, action_port=args.action_port, token=token
    )
    processes = [subprocess.Popen(actions_cmd, cwd=PROJECT_ROOT, env=env)]  # noqa: S603
    processes.append(subprocess.Popen(rasa_cmd, cwd=PROJECT_ROOT, env=env))  # noqa: S603
    signal.signal(signal.SIGTERM, lambda *_: (_stop(processes), sys.exit(0)))
    try:
        base = f"http://127.0.0.1:{args.port}"
        if not _wait_until_up(f"{base}/", processes[1], timeout=240):
            print("Haven's Rasa server did not start; see the log above.", file=sys.stderr)
            _stop(processes)
            return 1
        print(
            f"\nHaven is running.\n"
            f"  Web chat:        {base}/chat\n"
            f"  Staff console:   {base}/console\n"
            f'  REST channel:    POST {base}/webhooks/rest/webhook  {{"sender": "me", "message": "hi"}}\n'
            f"  Rasa HTTP API:   {base}/status?token={shown_token}\n"
            f"  Action server:   http://127.0.0.1:{args.action_port} (loopback only)\n"
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
