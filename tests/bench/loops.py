"""Escalation reply time from the real action server, alone and with 10 verifications (argon2) at the same moment.

`python -m tests.bench.loops [--rounds N] [--database-url URL]` prints the section; `python -m tests.bench --only
loops` puts it in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from bot import migrate
from tests.bench.report import ROOT, Section
from tests.bench.stats import ms, percentile, ratio
from tests.loops.action_server import action_server, escalation_call, run_actions, verification_call, wrong_answers

CONCURRENT_VERIFICATIONS = 10


def measure(workdir: Path, *, rounds: int, database_url: str | None = None) -> dict[str, list[float]]:
    """Seconds from sending `action_escalate` to its reply, `rounds` times alone and `rounds` times sent just
    after 10 wrong verification answers (fresh references each round, so none is refused by the throttle)."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    url = database_url or f"sqlite:///{workdir / 'loops.db'}"
    migrate.upgrade(url)
    results: dict[str, list[float]] = {"alone": [], "with 10 verifications": [], "verification": []}
    with action_server(database_url=url, log_path=workdir / "actions.log") as server:
        run_actions(server, [("warm-up", verification_call("rest:warm-up", "SP/39999/26"))])
        for round_number in range(rounds):
            alone = run_actions(server, [("escalation", escalation_call(f"rest:alone-{round_number}"))])
            results["alone"].append(alone[0].seconds)
            burst = [*wrong_answers(CONCURRENT_VERIFICATIONS, round_number=round_number),
                     ("escalation", escalation_call(f"rest:burst-{round_number}"))]
            for reply in run_actions(server, burst):
                key = "with 10 verifications" if reply.name == "escalation" else "verification"
                results[key].append(reply.seconds)
    return results


def section(results: dict[str, list[float]], *, backend: str = "SQLite") -> Section:
    """p50/p95 of the escalation's reply alone and beside 10 verifications, and of the verifications."""
    result = Section("4b. Event loops: an escalation beside 10 verifications")
    alone = percentile(results["alone"], 50)
    rows = [
        [name, str(len(times)), ms(percentile(times, 50)), ms(percentile(times, 95)),
         ratio(percentile(times, 50), alone)]
        for name, times in (("escalation alone", results["alone"]),
                            ("escalation with 10 verifications", results["with 10 verifications"]),
                            ("each of the 10 verifications", results["verification"]))
    ]
    result.table(["reply", "requests", "p50", "p95", "p50 vs alone"], rows)
    result.text(
        "The real action server (`python -m rasa_sdk --actions actions`, one process) on a loopback port, "
        f"{backend}. Each round sends one `action_escalate` alone, then 10 wrong identity answers (each one argon2 "
        "check, in the hashing thread pool) and, once they are all written, the escalation: each on its own "
        "connection, as Rasa would. Times run from writing the request to the server closing the connection. "
        "Blocking work runs off the event loop (bot/off_loop.py), so the escalation does not queue behind the "
        "verifications on the loop; on SQLite its hand-off row also needs the database's one write lock, so it "
        "waits for any verification that holds that lock during its argon2 check."
    )
    result.commands("python -m tests.bench --only loops")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.loops", description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="a migrated-or-empty database (default: a new SQLite)")
    args = parser.parse_args(argv)
    results = measure(ROOT / "results" / "bench" / "loops", rounds=args.rounds, database_url=args.database_url)
    backend = "PostgreSQL" if (args.database_url or "").startswith("postgresql") else "SQLite"
    print(section(results, backend=backend).render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
