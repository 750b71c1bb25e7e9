"""Import case events from a CSV file (one event per row, the API's field names as columns), all or nothing.

Each row is checked by the same pydantic model as the API and applied by the same code, in one
transaction for the whole file: if any row is refused, nothing is stored, so a corrected file can be sent
again whole (rows already stored are recognised by their event id and not applied twice).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.orm import Session

from bot.feed import problems
from bot.feed.apply import apply_event
from bot.feed.schema import CaseEventBody


@dataclass
class ImportReport:
    """What happened to each row; `stored` only when the transaction was committed."""

    applied: int = 0
    repeats: int = 0
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (line, field, message)
    notifications_queued: int = 0
    stored: bool = False

    def lines(self, *, dry_run: bool) -> list[str]:
        """The printed report: one line per refused field, then the totals and whether anything was stored."""
        out = [f"line {line}: {name}: {message}" for line, name, message in self.refused]
        out.append(
            f"{self.applied + self.repeats} row(s) OK ({self.repeats} already stored), {len(self.refused)} refused."
        )
        if dry_run:
            out.append("Dry run: nothing was stored.")
        elif self.stored:
            out.append(f"Stored {self.applied} new event(s); {self.notifications_queued} notification(s) queued.")
        else:
            out.append("Nothing was stored: correct the refused rows and import the whole file again.")
        return out


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, the row's non-empty cells) for each row; the header is line 1."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            cells = {key.strip(): value.strip() for key, value in row.items() if key and value and value.strip()}
            if cells:
                yield reader.line_num, cells


def _refused_fields(refusal: problems.Refusal) -> list[tuple[str, str]]:
    return refusal.problems or [(problems.WHOLE_EVENT, refusal.error)]


def import_rows(session: Session, rows: Iterable[tuple[int, dict[str, str]]], *, source: str) -> ImportReport:
    """Check and apply every row in `session`; the caller commits only if nothing was refused."""
    report = ImportReport()
    for line, cells in rows:
        try:
            try:
                event = CaseEventBody.parse_obj(cells).__root__
            except ValidationError as error:
                raise problems.invalid(error) from None
            applied = apply_event(session, event, source=source)
        except problems.Refusal as refusal:
            report.refused += [(line, name, message) for name, message in _refused_fields(refusal)]
            continue
        report.repeats += applied.replayed
        report.applied += not applied.replayed
        report.notifications_queued += applied.notifications_queued
    return report


def import_file(session: Session, path: Path, *, source: str, dry_run: bool) -> ImportReport:
    """Import `path` in `session`: committed only when it is not a dry run and no row was refused."""
    report = import_rows(session, read_rows(path), source=source)
    if dry_run or report.refused:
        session.rollback()
    else:
        session.commit()
        report.stored = True
    return report
