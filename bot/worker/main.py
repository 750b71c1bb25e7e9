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


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot worker", description=__doc__)
    parser.add_argument(
        "--channels",
        default=None,
        help="outbox channels to deliver, comma-separated (default: HAVEN_WORKER_CHANNELS); '' for none",
    )
    parser.add_argument("--no-notify", action="store_true", help="do not queue case-update notifications")
    parser.add_argument("--no-retention", action="store_true", help="do not run the retention schedule")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the worker until SIGTERM or Ctrl-C; exit 2 when the settings refuse to serve."""
    args = parse_arguments(list(sys.argv[1:] if argv is None else argv))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("twilio").setLevel(logging.WARNING)  # its client logs every request's URL and headers
    try:
        require_ready_to_serve()
        settings = get_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    if settings.outbox_send_timeout_seconds * 3 > settings.outbox_lease_seconds:
        print("HAVEN_OUTBOX_SEND_TIMEOUT_SECONDS may be a third of HAVEN_OUTBOX_LEASE_SECONDS at most", file=sys.stderr)
        return 2
    listed = settings.worker_channels if args.channels is None else args.channels.split(",")
    jobs = WorkerJobs(
        channels=tuple(register_senders(settings, [name.strip() for name in listed if name.strip()])),
        notify=not args.no_notify,
        retention=not args.no_retention,
    )
    asyncio.run(run_jobs(settings, jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
