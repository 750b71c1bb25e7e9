"""Import agencies.yml into the database idempotently (upsert by slug) and the `directory import` command."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.directory.schema import FILE_ONLY_FIELDS, DirectoryError, load_directory
from bot.directory.store import inactive_agency_ids, set_active
from bot.models.directory import Agency, Referral
from bot.settings import get_settings

logger = logging.getLogger(__name__)


@dataclass
class ImportSummary:
    """What an import changed, by agency slug."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.deactivated)} kept inactive (they have referrals)"
        )


def import_directory(session: Session, path: Path | str | None = None) -> ImportSummary:
    """Make the agencies table match the file (default: settings.directory_file); the caller commits.

    Agencies missing from the file are deleted, unless referrals point at them: those are marked inactive.
    Raises DirectoryError (and changes nothing) when the file is invalid.
    """
    if path is None:
        path = get_settings().directory_file
    records = [
        {name: value for name, value in record.items() if name not in FILE_ONLY_FIELDS}
        for record in load_directory(path)
    ]
    summary = ImportSummary()
    existing = {agency.slug: agency for agency in session.scalars(select(Agency))}
    inactive = inactive_agency_ids(session)
    reactivate: list[int] = []
    for record in records:
        agency = existing.pop(record["slug"], None)
        if agency is None:
            session.add(Agency(**record))
            summary.created.append(record["slug"])
            continue
        changed = _apply(agency, record)
        if agency.id in inactive:
            reactivate.append(agency.id)
        (summary.updated if changed or agency.id in inactive else summary.unchanged).append(agency.slug)
    session.flush()
    set_active(session, agency_ids=reactivate, active=True)
    referred = set(session.scalars(select(Referral.agency_id).distinct()))
    keep = [agency for agency in existing.values() if agency.id in referred]
    set_active(session, agency_ids=[agency.id for agency in keep if agency.id not in inactive], active=False)
    summary.deactivated = sorted(agency.slug for agency in keep)
    for agency in existing.values():
        if agency.id not in referred:
            session.delete(agency)
            summary.removed.append(agency.slug)
    session.flush()
    logger.info("directory import: %s", summary)
    return summary


def _apply(agency: Agency, record: dict[str, Any]) -> bool:
    """Copy changed fields onto the row; True when anything changed."""
    changed = False
    for name, value in record.items():
        if getattr(agency, name) != value:
            setattr(agency, name, value)
            changed = True
    return changed


def main(argv: list[str]) -> int:
    """`python -m bot directory import [FILE]`: validate the file and load it into the configured database."""
    parser = argparse.ArgumentParser(prog="python -m bot directory", description="Manage the agency directory.")
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="load agencies from a YAML file (default: the settings' file)")
    importing.add_argument("file", nargs="?", type=Path, help="agencies YAML (default: data/directory/agencies.yml)")
    args = parser.parse_args(argv)
    try:
        with session_scope() as session:
            summary = import_directory(session, args.file)
    except DirectoryError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"agency directory imported: {summary}")
    return 0
