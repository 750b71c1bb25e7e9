"""`python -m bot worker [--channels sms,telegram,rest] [--no-notify] [--no-retention]`: run the worker process."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.serving_checks import require_ready_to_serve
from bot.settings import SettingsError, get_settings
from bot.worker.channels import register_senders
from bot.worker.service import WorkerJobs, run_jobs


def parse_arguments(argv: list[str], default_channels: tuple[str, ...]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot worker", description=__doc__)
    parser.add_argument(
        "--channels",
        default=",".join(default_channels),
        help="outbox channels to deliver, comma-separated (default: HAVEN_WORKER_CHANNELS); '' for none",
    )
    parser.add_argument("--no-notify", action="store_true", help="do not queue case-update notifications")
    parser.add_argument("--no-retention", action="store_true", help="do not run the retention schedule")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the worker until SIGTERM or Ctrl-C; exit 2 when the settings refuse to serve."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        require_ready_to_serve()
        settings = get_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    args = parse_arguments(list(sys.argv[1:] if argv is None else argv), settings.worker_channels)
    wanted = [name.strip() for name in args.channels.split(",") if name.strip()]
    if settings.outbox_send_timeout_seconds * 3 > settings.outbox_lease_seconds:
        print(
            "HAVEN_OUTBOX_SEND_TIMEOUT_SECONDS must be a third of HAVEN_OUTBOX_LEASE_SECONDS or less", file=sys.stderr
        )
        return 2
    jobs = WorkerJobs(
        channels=tuple(register_senders(settings, wanted)),
        notify=not args.no_notify,
        retention=not args.no_retention,
    )
    asyncio.run(run_jobs(settings, jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
