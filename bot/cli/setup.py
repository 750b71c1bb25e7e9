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


def _ensure_demo_staff(session) -> tuple[str, str] | None:  # type: ignore[no-untyped-def]
    """Create the demo supervisor with a fresh random password and TOTP secret; None if it already exists."""
    from bot.console import totp
    from bot.console.staff_store import add_staff, find_staff
    from bot.models.base import utcnow

    if find_staff(session, username=DEMO_USERNAME) is not None:
        return None
    password = secrets.token_urlsafe(12)
    staff = add_staff(
        session, username=DEMO_USERNAME, display_name="Demo Supervisor", role="supervisor", password=password
    )
    secret = totp.new_secret()
    totp.enrol_without_check(staff, secret, now=utcnow())
    return password, secret


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
        demo = None if args.no_demo_staff or not settings.is_development else _ensure_demo_staff(session)
    print(f"Directory: {summary}. Sample cases: {cases}.")
    if demo:
        password, secret = demo
        print(f"Demo staff account created: {DEMO_USERNAME} / {password} (shown once; development only)")
        print(f"  Its two-step sign-in (TOTP) secret: {secret} (add it to an authenticator app, or get the current")
        print(f"  code with: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\")")
    return 0
