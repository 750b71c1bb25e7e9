"""A console API token for the running stack, issued the way an operator does: `python -m bot staff token`."""

from __future__ import annotations

import subprocess

from tests.e2e.stack import PROJECT_ROOT, VENV_BIN, HavenStack


def issue_token(stack: HavenStack, username: str, *, role: str = "staff", label: str = "e2e") -> str:
    """A new API token of `username` (it acts as them, within `role`); printed once by the command."""
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "bot", "staff", "token", username, "--role", role, "--label", label],
        cwd=PROJECT_ROOT,
        env=stack.env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]
