"""`python -m bot feed add-integration NAME | integrations | revoke NAME | import FILE.csv [--dry-run]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.db import session_scope
from bot.feed.csv_import import import_file
from bot.feed.integrations import IntegrationError, add_integration, find_integration, integrations, revoke_integration
from bot.feed.models import CSV_SOURCE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot feed", description="The case feed from police systems.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add-integration", help="allow a police system to send events; prints its token once")
    add.add_argument("name")
    commands.add_parser("integrations", help="list the integrations (no tokens)")
    revoke = commands.add_parser("revoke", help="refuse an integration's token from now on")
    revoke.add_argument("name")
    imports = commands.add_parser("import", help="import events from a CSV file: all rows, or none if any is bad")
    imports.add_argument("file", type=Path)
    imports.add_argument("--dry-run", action="store_true", help="check every row and report; store nothing")
    imports.add_argument("--integration", help="the integration whose event ids the file uses (default: csv)")
    return parser


def _import(file: Path, *, integration: str | None, dry_run: bool) -> int:
    if not file.is_file():
        print(f"No file at {file}.")
        return 2
    with session_scope() as session:
        source = CSV_SOURCE
        if integration:
            row = find_integration(session, integration)
            if row is None:
                print(f"No integration called {integration}.")
                return 2
            source = row.name
        report = import_file(session, file, source=source, dry_run=dry_run)
    print("\n".join(report.lines(dry_run=dry_run)))
    return 1 if report.refused else 0


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.command == "import":
        return _import(args.file, integration=args.integration, dry_run=args.dry_run)
    try:
        with session_scope() as session:
            if args.command == "add-integration":
                token, row = add_integration(session, args.name)
                print(f"Integration {row.name} added. Its token, shown only this once:\n{token}")
            elif args.command == "revoke":
                revoke_integration(session, args.name)
                print(f"Integration {args.name} revoked.")
            else:
                for row in integrations(session):
                    state = "revoked" if row.revoked_at else f"last used {row.last_used_at or 'never'}"
                    print(f"{row.name:<32} {row.prefix}...  {state}")
    except IntegrationError as error:
        print(error)
        return 1
    return 0
