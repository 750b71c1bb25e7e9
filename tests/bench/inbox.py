"""The durable inbox on a real stack: acknowledgement time, acknowledgement-to-reply time, and a crash mid-burst.

`python -m tests.bench.inbox [--senders N]` prints the section; `python -m tests.bench --only inbox` puts it in
BENCHMARKS.md. SMS is sent as Twilio would (signed webhooks) to a local Twilio API.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.bench.report import ROOT, Section
from tests.bench.stats import ms, percentile
from tests.e2e.conftest import MODEL, ThreadedTwilio
from tests.e2e.sms_probe import inbox_rows, settled_bodies, text_in, wait_for
from tests.e2e.stack import start_stack
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER


def _number(group: str, index: int) -> str:
    return f"+4477009{group}{index:03d}"


def _one_conversation(stack, twilio: ThreadedTwilio, number: str, texts: list[str]) -> list[tuple[float, float]]:
    """(acknowledgement s, acknowledgement-to-first-reply s) for each text, sent one after another."""
    timings, seen = [], 0
    for turn, body in enumerate(texts):
        started = time.monotonic()
        assert text_in(stack, number, body, f"SM{number[1:]}x{turn}") == 200
        acknowledged = time.monotonic()
        replies = twilio.messages_to(number, seen + 1, timeout=120)
        timings.append((acknowledged - started, time.monotonic() - acknowledged))
        seen = len(settled_bodies(twilio, number, len(replies), quiet=1.0))
    return timings


def measure(workdir: Path, *, senders: int) -> dict:
    """Steady traffic (`senders` conversations of 3 texts side by side), then a burst killed mid-way."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    twilio = ThreadedTwilio()
    stack = start_stack(workdir=workdir, model=MODEL, extra_env={
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "TWILIO_API_BASE_URL": twilio.base_url, "HAVEN_INBOX_LEASE_SECONDS": "5",
    })
    try:
        texts = ["hello", "what are my rights as a victim", "thanks"]
        with ThreadPoolExecutor(senders) as pool:
            runs = list(pool.map(lambda i: _one_conversation(stack, twilio, _number("1", i), texts), range(senders)))
        steady = [timing for run in runs for timing in run]
        assert text_in(stack, _number("3", 0), "hello", "SMcontrol") == 200
        expected = len(settled_bodies(twilio, _number("3", 0), 1))  # replies to one "hello", unfaulted
        burst = [_number("2", index) for index in range(senders * 2)]
        with ThreadPoolExecutor(len(burst)) as pool:
            statuses = list(pool.map(lambda number: text_in(stack, number, "hello", f"SMburst{number[1:]}"), burst))
        stack.kill_rasa_server()  # whatever was in hand is lost with the process
        stack.start_rasa_server()
        wait_for(lambda: all(status == "handled" for status, _ in inbox_rows(stack).values()), 300, "the burst")
        rows = inbox_rows(stack)
        answered = {number: settled_bodies(twilio, number, 1, quiet=2.0) for number in burst}
        return {
            "steady": steady,
            "acknowledged": sum(status == 200 for status in statuses), "burst": len(burst),
            "redriven": sum(attempts > 1 for sid, (_, attempts) in rows.items() if sid.startswith("SMburst")),
            "lost": sum(not replies for replies in answered.values()),
            "duplicates": sum(max(0, len(replies) - expected) for replies in answered.values()),
        }
    finally:
        stack.stop()
        twilio.close()


def section(results: dict) -> Section:
    """BENCHMARKS.md section 4c."""
    part = Section("4c. Durable inbox: acknowledgement, reply, crash")
    acks = [ack for ack, _ in results["steady"]]
    replies = [reply for _, reply in results["steady"]]
    part.text(f"{len(acks)} SMS in conversations side by side, each text sent after the last was answered; "
              "signed webhooks to the real stack, replies delivered by the worker process to a local Twilio.")
    part.table(["figure", "p50", "p95"], [
        ["acknowledgement (webhook answered 200, message stored)", ms(percentile(acks, 50)), ms(percentile(acks, 95))],
        ["acknowledgement to first reply at Twilio", ms(percentile(replies, 50)), ms(percentile(replies, 95))],
    ])
    part.text(f"Crash: {results['burst']} texts from as many numbers at once ({results['acknowledged']} "
              f"acknowledged), then kill -9 of the Rasa server and a restart: {results['redriven']} re-driven, "
              f"{results['lost']} lost (goal 0), {results['duplicates']} duplicate replies (goal 0).")
    part.commands("python -m tests.bench --only inbox")
    return part


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.inbox", description=__doc__)
    parser.add_argument("--senders", type=int, default=5)
    args = parser.parse_args(argv)
    print(section(measure(ROOT / "results" / "bench" / "inbox", senders=args.senders)).render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
