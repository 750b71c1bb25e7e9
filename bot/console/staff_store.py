"""Staff accounts: create, find, list and disable."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.auth import end_all_sessions, hash_password
from bot.models.base import utcnow
from bot.models.staff import ROLES, Staff


class StaffError(ValueError):
    """A staff account operation that can't be done."""


def find_staff(session: Session, *, username: str) -> Staff | None:
    """The staff member with that username (case-insensitive), active or not."""
    return session.scalars(select(Staff).where(Staff.username == username.strip().lower())).first()


def add_staff(session: Session, *, username: str, display_name: str, role: str, password: str) -> Staff:
    """Create a staff account with an argon2-hashed password."""
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise StaffError("Usernames may contain letters, digits, dots, dashes and underscores only.")
    if role not in ROLES:
        raise StaffError(f"Role must be one of: {', '.join(ROLES)}.")
    if not display_name.strip():
        raise StaffError("A display name is required.")
    if find_staff(session, username=username) is not None:
        raise StaffError(f"A staff account called {username!r} already exists.")
    try:
        password_hash = hash_password(password)
    except ValueError as error:
        raise StaffError(str(error)) from error
    staff = Staff(
        username=username,
        display_name=display_name.strip(),
        role=role,
        password_hash=password_hash,
        active=True,
        created_at=utcnow(),
    )
    session.add(staff)
    session.flush()
    return staff


def list_staff(session: Session) -> list[Staff]:
    """Every staff account, by username."""
    return list(session.scalars(select(Staff).order_by(Staff.username)))


def disable_staff(session: Session, *, username: str) -> Staff:
    """Disable an account and end its sessions."""
    staff = find_staff(session, username=username)
    if staff is None:
        raise StaffError(f"No staff account called {username!r}.")
    staff.active = False
    end_all_sessions(session, staff_id=staff.id)
    session.flush()
    return staff
