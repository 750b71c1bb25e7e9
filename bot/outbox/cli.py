"""`python -m bot outbox`: list pending/failed outbox messages (no bodies), re-queue failed ones, and in a local
trial only, show what an undelivered message says (e.g. the one-time code when no SMS provider is set up)."""

from __future__ import annotations

import argparse

from bot.db import session_scope
from bot.models import OutboxMessage
from bot.outbox.delivery import list_messages, retry_failed
from bot.settings import get_settings

STATUS_CHOICES = {
    "pending": ("pending", "sending"),
    "failed": ("failed",),
    "problems": ("pending", "sending", "failed"),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot outbox", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    listing = commands.add_parser("list", help="messages not (yet) delivered")
    listing.add_argument("--status", choices=sorted(STATUS_CHOICES), default="problems")
    listing.add_argument("--limit", type=int, default=100)
    retry = commands.add_parser("retry", help="re-queue a failed message")
    retry.add_argument("message_id", type=int)
    show = commands.add_parser("show", help="development only: the text of a message not delivered (a one-time code)")
    show.add_argument("message_id", type=int)
    return parser


def _show(message_id: int) -> int:
    """Print an undelivered message's text; refused outside development (it may hold a code or case details)."""
    if not get_settings().is_development:
        print("outbox show works only with HAVEN_ENV=development: message bodies are private")
        return 2
    with session_scope() as session:
        row = session.get(OutboxMessage, message_id)
        if row is None or row.status not in STATUS_CHOICES["problems"]:
            print(f"message {message_id} is not waiting in the outbox")
            return 1
        print(f"to {row.channel}:{row.recipient}\n{row.payload.get('text', '')}")
    return 0


def _print_list(status: str, limit: int) -> int:
    with session_scope() as session:
        rows = list_messages(session, statuses=STATUS_CHOICES[status], limit=limit)
    print(
        f"{'id':>6}  {'channel':<9} {'to':<6} {'origin':<12} {'status':<10} {'tries':>5}  "
        f"{'delivery':<12} {'next attempt (UTC)':<19}  error"
    )
    for row in rows:
        print(
            f"{row.id:>6}  {row.channel:<9} {row.recipient_hint:<6} {row.origin:<12} {row.status:<10} "
            f"{row.attempts:>5}  {row.delivery_status or '-':<12} {row.next_attempt_at:%Y-%m-%d %H:%M:%S}  "
            f"{row.last_error or ''}"
        )
    print(f"{len(rows)} message(s)")
    return 0


def _retry(message_id: int) -> int:
    with session_scope() as session:
        done = retry_failed(session, message_id=message_id)
    print(f"message {message_id} re-queued" if done else f"message {message_id} is not a failed message")
    return 0 if done else 1


def main(argv: list[str] | None = None) -> int:
    """Entry point named in bot/__main__.py ("outbox")."""
    args = _parser().parse_args(argv or ["list"])
    if args.command == "retry":
        return _retry(args.message_id)
    if args.command == "show":
        return _show(args.message_id)
    return _print_list(getattr(args, "status", "problems"), getattr(args, "limit", 100))
