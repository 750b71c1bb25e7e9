"""`python -m bot retention run` and `python -m bot keys generate|rotate`: privacy jobs from the command line."""

from __future__ import annotations

import argparse
import sys

from bot.db import session_factory
from bot.privacy.keys import DataKeyError, data_keys, generate_key
from bot.privacy.retention import run_retention
from bot.privacy.rotation import rotate_events, rotate_sealed_columns
from bot.privacy.stale_answers import scrub_stale_answers


def _retention_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot retention", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="remove conversations older than HAVEN_RETENTION_DAYS (audited)")
    run.add_argument("--days", type=int, help="override HAVEN_RETENTION_DAYS for this run")
    run.add_argument("--dry-run", action="store_true", help="count what would be removed; change nothing")
    return parser


def retention_main(argv: list[str] | None = None) -> int:
    """Entry point named in bot/__main__.py ("retention")."""
    args = _retention_parser().parse_args(argv)
    if args.days is not None and args.days < 1:
        print("--days must be 1 or more", file=sys.stderr)
        return 2
    session = session_factory()()
    try:
        scrubbed = scrub_stale_answers(session)
        report = run_retention(session, days=args.days)
        if args.dry_run:
            session.rollback()
        else:
            session.commit()
    finally:
        session.close()
    prefix = "would remove" if args.dry_run else "removed"
    print(f"cut-off {report.cutoff:%Y-%m-%d %H:%M} UTC; {prefix}:")
    print(f"  conversations deleted whole: {report.conversations_deleted}")
    print(f"  conversations with old sessions removed: {report.conversations_trimmed}")
    print(f"  events: {report.events_deleted} (from {report.oldest_removed or '-'} to {report.newest_removed or '-'})")
    print(f"  hand-offs anonymised: {report.handoffs_anonymised} (notes deleted: {report.handoff_notes_deleted})")
    print(f"  finished outbox messages: {report.outbox_deleted}; live summaries: {report.live_summaries_deleted}")
    print(f"  partial verification answers cleared: {scrubbed}")
    print(f"kept: {report.kept_open_handoff} with an open hand-off, {report.kept_safeguarding} safeguarding")
    return 0


def _keys_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot keys", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("generate", help="print a new data key for HAVEN_DATA_KEYS")
    commands.add_parser("rotate", help="re-encrypt every stored event with the first key of HAVEN_DATA_KEYS")
    return parser


def keys_main(argv: list[str] | None = None) -> int:
    """Entry point named in bot/__main__.py ("keys")."""
    args = _keys_parser().parse_args(argv)
    if args.command == "generate":
        print(generate_key())
        return 0
    try:
        keys = data_keys()
    except DataKeyError as error:
        print(error, file=sys.stderr)
        return 2
    if keys.derived:
        print("note: HAVEN_DATA_KEYS is not set; using the development key derived from DATABASE_URL")
    report = rotate_events(keys)
    sealed = rotate_sealed_columns()
    print(
        f"{report.rows} event(s) read: {report.reencrypted} re-encrypted with the first key, "
        f"{report.encrypted_plaintext} stored before encryption now encrypted; "
        f"{sealed} outbox message(s) and TOTP secret(s) re-encrypted"
    )
    return 0
