"""`python -m bot risk`: one JSON object per input line, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.settings import PROJECT_ROOT


def test_cli_writes_one_json_line_per_message() -> None:
    lines = "he said he'd kill me\n\nmy phone died\nim gona kms\n"
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "risk"],
        input=lines,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=True,
    )
    records = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [record["text"] for record in records] == ["he said he'd kill me", "my phone died", "im gona kms"]
    assert all({"text", "escalate", "level", "category", "matched", "score", "band"} <= set(r) for r in records)
    assert [(r["escalate"], r["category"]) for r in records] == [
        (True, "threat_to_life"),
        (False, None),
        (True, "self_harm"),
    ]
