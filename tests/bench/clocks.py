"""Clock computation time for 10,000 open cases: `python -m tests.bench.clocks [--cases N] [--database-url URL]`.

Each case is under investigation with one charge event from the feed and no clock yet. The first pass opens
an event clock and a monthly progress clock per case and marks the overdue ones (one alert each); the second
pass is the steady state the worker repeats every few minutes. A benchmark that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot import migrate
from bot.clocks.job import run_clock_pass
from bot.db import build_engine, session_factory
from bot.feed.models import CaseEvent
from bot.models.cases import Case
from tests.bench.report import Section

ZONE = "Europe/London"
NOW = datetime(2026, 12, 1, 12, 0)


def _seed(session, cases: int) -> None:
    """`cases` cases and one charge event each, charged over the last 20 days (some clocks overdue)."""
    session.execute(insert(Case), [
        {"id": n, "reference": f"SP/{n:05d}/26", "offence": "Burglary", "status": "under_investigation",
         "reported_on": date(2026, 9, 1), "officer_name": f"DC {n % 40}", "status_changed_at": NOW - timedelta(days=40)}
        for n in range(1, cases + 1)
    ])
    session.execute(insert(CaseEvent), [
        {"source": "bench", "event_id": f"e{n}", "kind": "status_change", "case_id": n,
         "occurred_at": NOW - timedelta(days=n % 20), "received_at": NOW - timedelta(days=n % 20),
         "body_digest": "0" * 64, "details": {"status": "charged"}, "answer": {}}
        for n in range(1, cases + 1)
    ])
    session.commit()


def measure(cases: int, database_url: str) -> list[tuple[str, float, object]]:
    migrate.upgrade(database_url)
    engine = build_engine(database_url)
    try:
        session = session_factory(engine)()
        _seed(session, cases)
        timings = []
        for name in ("first pass (opens every clock)", "next pass (steady state)"):
            started = time.perf_counter()
            report = run_clock_pass(session, now=NOW, zone=ZONE)
            session.commit()
            timings.append((name, time.perf_counter() - started, report))
        session.close()
        return timings
    finally:
        engine.dispose()


def measure_in_temporary_database(cases: int) -> list[tuple[str, float, object]]:
    """`measure` on a fresh SQLite file that is removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        return measure(cases, f"sqlite:///{Path(folder) / 'clocks-bench.db'}")


def section(cases: int, timings: list[tuple[str, float, object]]) -> Section:
    part = Section("4f. Victims' Code clocks (issue 13): one clock pass over many open cases")
    part.text(f"{cases} cases under investigation, each with one charge event from the feed and no clock yet "
              "(fresh SQLite file); the worker's clock pass, run twice.")
    part.table(["pass", "seconds", "what it did"], [[name, f"{seconds:.2f}", str(report)]
                                                     for name, seconds, report in timings])
    part.commands(f"python -m tests.bench.clocks --cases {cases}")
    return part


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.clocks", description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="an empty database (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    url = args.database_url
    timings = measure(args.cases, url) if url else measure_in_temporary_database(args.cases)
    print(section(args.cases, timings).render())


if __name__ == "__main__":
    main()
