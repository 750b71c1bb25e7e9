"""`python -m bot migrate` and `python -m bot seed`: prepare the database for a first run."""

from __future__ import annotations

import argparse
import secrets

from bot import migrate
from bot.db import session_scope
from bot.settings import get_settings

DEMO_USERNAME = "demo.supervisor"


def migrate_main(argv: list[str]) -> int:
    """Apply every migration to the configured database."""
    argparse.ArgumentParser(prog="python -m bot migrate").parse_args(argv)
    migrate.upgrade(get_settings().database_url)
    print("Database migrated.")
    return 0


def _ensure_demo_staff(session) -> str | None:  # type: ignore[no-untyped-def]
    """Create the demo supervisor with a fresh random password; None if it already exists."""
    from bot.console.staff_store import add_staff, find_staff

    if find_staff(session, username=DEMO_USERNAME) is not None:
        return None
    password = secrets.token_urlsafe(12)
    add_staff(session, username=DEMO_USERNAME, display_name="Demo Supervisor", role="supervisor", password=password)
    return password


def seed_main(argv: list[str]) -> int:
    """Load the agency directory and the fictional sample cases; create a demo staff account."""
    parser = argparse.ArgumentParser(prog="python -m bot seed")
    parser.add_argument("--no-demo-staff", action="store_true", help="do not create the demo staff account")
    args = parser.parse_args(argv)
    from bot.cases.sample_loader import load_sample_cases
    from bot.directory.importer import import_directory

    settings = get_settings()
    with session_scope() as session:
        summary = import_directory(session, settings.directory_file)
        cases = load_sample_cases(session, settings.sample_cases_file)
        password = None if args.no_demo_staff or not settings.is_development else _ensure_demo_staff(session)
    print(f"Directory: {summary}. Sample cases: {cases}.")
    if password:
        print(f"Demo staff account created: {DEMO_USERNAME} / {password} (shown once; development only)")
    return 0
