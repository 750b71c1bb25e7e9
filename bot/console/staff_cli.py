"""`python -m bot staff add|list|disable`: manage gateway staff accounts (no default passwords)."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.console.staff_store import StaffError, add_staff, disable_staff, list_staff
from bot.db import session_scope
from bot.models.staff import ROLES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot staff", description="Manage gateway staff accounts.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create an account (the password is asked for, twice)")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--name", required=True, help="display name shown to colleagues")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    commands.add_parser("list", help="list accounts")
    disable = commands.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("username")
    return parser


def _read_password(from_stdin: bool) -> str | None:
    """The new password from stdin, or typed twice at a prompt; None if the two differ."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Password again: ")
    return first if first == second else None


def _add(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    if password is None:
        print("The passwords didn't match; nothing was created.", file=sys.stderr)
        return 1
    with session_scope() as session:
        staff = add_staff(session, username=args.username, display_name=args.name, role=args.role, password=password)
        print(f"Created {staff.role} {staff.username!r} ({staff.display_name}).")
    return 0


def _list() -> int:
    with session_scope() as session:
        for staff in list_staff(session):
            state = "active" if staff.active else "disabled"
            seen = staff.last_seen_at.isoformat(timespec="minutes") if staff.last_seen_at else "never"
            print(f"{staff.username:<20} {staff.role:<10} {state:<8} last seen {seen:<16} {staff.display_name}")
    return 0


def _disable(args: argparse.Namespace) -> int:
    with session_scope() as session:
        staff = disable_staff(session, username=args.username)
        print(f"Disabled {staff.username!r}; their sessions have ended.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point for `python -m bot staff ...`; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "add":
            return _add(args)
        if args.command == "disable":
            return _disable(args)
        return _list()
    except StaffError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
