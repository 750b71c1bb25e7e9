"""`python -m bot case add-update REF ...`: record a case event through the case feed's own code (bot/feed)."""

from __future__ import annotations

import argparse
import uuid

from pydantic import ValidationError

from bot.cases.crime_ref import find_reference
from bot.db import session_scope
from bot.feed.apply import apply_event
from bot.feed.models import CLI_SOURCE
from bot.feed.problems import Refusal
from bot.feed.schema import StatusChange, Update
from bot.models.base import utcnow
from bot.models.cases import CASE_STATUSES


def _event(reference: str, args: argparse.Namespace) -> StatusChange | Update:
    """The feed event this command stands for: a status change, or a free-text update."""
    common = {
        "event_id": f"cli-{uuid.uuid4().hex}", "occurred_at": utcnow(), "reference": reference,
        "summary": args.summary, "victim_may_be_told": not args.internal,
    }
    if args.status:
        return StatusChange(kind="status_change", status=args.status, **common)
    return Update(kind="update", **common)


def main(argv: list[str]) -> int:
    """Add a timeline entry (optionally changing the status) and queue the neutral notifications."""
    parser = argparse.ArgumentParser(prog="python -m bot case")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add-update", help="add a timeline entry to a case")
    add.add_argument("reference")
    add.add_argument("--summary", required=True, help="what the victim may be told")
    add.add_argument("--status", choices=CASE_STATUSES)
    add.add_argument("--internal", action="store_true", help="police-only: never shown or notified")
    args = parser.parse_args(argv)
    reference = find_reference(args.reference)
    if reference is None:
        print("No case with that reference.")
        return 1
    try:
        with session_scope() as session:
            applied = apply_event(session, _event(reference, args), source=CLI_SOURCE)
    except ValidationError as error:
        print(f"Not recorded: {error.errors()[0]['msg']}")
        return 1
    except Refusal as refusal:
        print("No case with that reference." if refusal.status == 404 else f"Not recorded: {refusal}")
        return 1
    print(f"Update added to {reference}; {applied.notifications_queued} notification(s) queued.")
    return 0
