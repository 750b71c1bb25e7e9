"""`python -m bot case add-update REF ...`: record a case event as the police system feed would."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from bot.cases.crime_ref import find_reference
from bot.db import session_scope
from bot.models import Case, CaseUpdate
from bot.models.base import utcnow
from bot.models.cases import CASE_STATUSES
from bot.notify import queue_case_notifications


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
    with session_scope() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).first() if reference else None
        if case is None:
            print("No case with that reference.")
            return 1
        now = utcnow()
        session.add(
            CaseUpdate(
                case_id=case.id, occurred_at=now, status=args.status, summary=args.summary, shareable=not args.internal
            )
        )
        if args.status:
            case.status, case.status_changed_at = args.status, now
        session.flush()
        queued = queue_case_notifications(session)
    print(f"Update added to {reference}; {queued} notification(s) queued.")
    return 0
