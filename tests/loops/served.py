"""Run a server command on a free loopback port for a test: wait until a health URL answers, stop it after."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.stack import PROJECT_ROOT, free_port


@contextmanager
def served(
    command_for_port, *, env: dict, log_path: Path, health_path: str, what: str, timeout: float = 180.0
) -> Iterator[tuple[str, int]]:
    """Start `command_for_port(port)`; yield ("127.0.0.1", port) once `health_path` answers 200; stop it after."""
    port = free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command_for_port(port), cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_answering(process, f"http://127.0.0.1:{port}{health_path}", timeout)
            yield ("127.0.0.1", port)
        except RuntimeError as error:
            raise RuntimeError(f"{what} did not start; log:\n{log_path.read_text()[-3000:]}") from error
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_answering(process: subprocess.Popen, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("not answering")
