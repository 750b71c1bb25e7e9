"""`python -m bot staff add|add-agency|list|disable|token|reset-two-step|pager`: staff accounts and API tokens."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.agencies.accounts import add_agency_user
from bot.console import api_tokens, audit, totp
from bot.console.staff_store import StaffError, add_staff, disable_staff, find_staff, list_staff
from bot.db import session_scope
from bot.models.staff import ROLES
from bot.paging.roster import PagerError, set_pager


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot staff", description="Manage gateway staff accounts.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create an account (the password is asked for, twice)")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--name", required=True, help="display name shown to colleagues")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    agency = commands.add_parser("add-agency", help="create an agency's account: it sees only that agency's referrals")
    agency.add_argument("username")
    agency.add_argument("--agency", required=True, help="the agency's slug in the directory")
    agency.add_argument("--name", required=True, help="display name, e.g. the person at the agency")
    agency.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    commands.add_parser("list", help="list accounts")
    disable = commands.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("username")
    token = commands.add_parser("token", help="issue an API token for an account (shown once), or --list / --revoke ID")
    token.add_argument("username")
    token.add_argument("--role", choices=tuple(api_tokens.TOKEN_ROLES), default="queue",
                       help="what the token may do: queue (read the queue), reader (and conversations), "
                            "staff (everything the account may do); default: queue")
    token.add_argument("--label", default="command line", help="where the token is used")
    token.add_argument("--revoke", type=int, metavar="ID", help="revoke this token of the account instead")
    token.add_argument("--list", action="store_true", help="list the account's tokens instead")
    reset = commands.add_parser("reset-two-step", help="forget an account's authenticator (lost phone)")
    reset.add_argument("username")
    pager = commands.add_parser("pager", help="set where an account's urgent pages go, and whether it is on call")
    pager.add_argument("username")
    pager.add_argument("--contact", help="a mobile number (+447700900123) or an email address; '' clears it")
    on_call = pager.add_mutually_exclusive_group()
    on_call.add_argument("--on-call", dest="on_call", action="store_true", default=None, help="page this account")
    on_call.add_argument("--off-call", dest="on_call", action="store_false", help="stop paging this account")
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


def _add_agency(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    if password is None:
        print("The passwords didn't match; nothing was created.", file=sys.stderr)
        return 1
    with session_scope() as session:
        staff = add_agency_user(session, username=args.username, display_name=args.name, agency_slug=args.agency,
                                password=password)
        audit.record(session, staff_id=None, action="agency_account_added", target=staff.username,
                     agency=args.agency, via="cli")
        print(f"Created agency account {staff.username!r} ({staff.display_name}) for {args.agency!r}.")
    return 0


def _list() -> int:
    with session_scope() as session:
        for staff in list_staff(session):
            state = "active" if staff.active else "disabled"
            seen = staff.last_seen_at.isoformat(timespec="minutes") if staff.last_seen_at else "never"
            two_step = "2-step on " if staff.totp_secret else "2-step off"
            account = f"{staff.username:<20} {staff.role:<10} {state:<8} {two_step}"
            print(f"{account} last seen {seen:<16} {staff.display_name}")
    return 0


def _disable(args: argparse.Namespace) -> int:
    with session_scope() as session:
        staff = disable_staff(session, username=args.username)
        print(f"Disabled {staff.username!r}; their sessions have ended.")
    return 0


def _token(args: argparse.Namespace) -> int:
    """Issue (printing the token once), list or revoke one account's API tokens."""
    with session_scope() as session:
        staff = find_staff(session, username=args.username)
        if staff is None:
            raise StaffError(f"No staff account called {args.username!r}.")
        if args.list:
            for row in api_tokens.tokens(session, staff_id=staff.id):
                state = "revoked" if row.revoked_at else "active"
                print(f"{row.id:>5}  {row.prefix}…  {row.role:<7} {state:<8} {row.label}")
            return 0
        if args.revoke is not None:
            row = api_tokens.revoke(session, token_id=args.revoke, owner_id=staff.id)
            audit.record(session, staff_id=None, action="token_revoked", target=str(row.id), via="cli")
            print(f"Revoked token {row.id} ({row.label}) of {staff.username!r}.")
            return 0
        secret, row = api_tokens.issue(session, owner=staff, label=args.label, role=args.role, created_by=None)
        audit.record(session, staff_id=None, action="token_issued", target=str(row.id), role=row.role,
                     owner=staff.username, via="cli")
    print(f"Token {row.id} for {staff.username!r} (role {row.role}); shown once, keep it secret:")
    print(secret)
    return 0


def _reset_two_step(args: argparse.Namespace) -> int:
    with session_scope() as session:
        staff = find_staff(session, username=args.username)
        if staff is None:
            raise StaffError(f"No staff account called {args.username!r}.")
        totp.reset(staff)
        audit.record(session, staff_id=None, action="totp_reset", target=staff.username, via="cli")
        print(f"Two-step sign-in reset for {staff.username!r}: they set up a new authenticator at their next log-in.")
    return 0


def _pager(args: argparse.Namespace) -> int:
    with session_scope() as session:
        staff = find_staff(session, username=args.username)
        if staff is None:
            raise StaffError(f"No staff account called {args.username!r}.")
        set_pager(staff, contact=args.contact, on_call=args.on_call)
        audit.record(session, staff_id=None, action="pager_set", target=staff.username, on_call=staff.on_call,
                     has_contact=bool(staff.pager_contact), via="cli")  # fmt: skip
        state = "on call" if staff.on_call else "not on call"
        contact = "a pager contact" if staff.pager_contact else "no pager contact"
        print(f"{staff.username!r} is {state}, with {contact}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point for `python -m bot staff ...`; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "add":
            return _add(args)
        if args.command == "add-agency":
            return _add_agency(args)
        if args.command == "disable":
            return _disable(args)
        if args.command == "token":
            return _token(args)
        if args.command == "reset-two-step":
            return _reset_two_step(args)
        if args.command == "pager":
            return _pager(args)
        return _list()
    except (StaffError, api_tokens.TokenError, PagerError) as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
