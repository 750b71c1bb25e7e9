"""What the console shows and exports about clocks: due today, due soon and overdue by officer, weekly compliance
(with its bar chart as SVG geometry for the template: no JavaScript, no images)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clocks import duties
from bot.clocks.models import CodeClock
from bot.clocks.working_days import add_working_days, local_date
from bot.models.cases import Case

SOON_WORKING_DAYS = 2
WIDTH, HEIGHT = 640, 220  # the weekly chart
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT = 20, 180, 44
TARGET_PERCENT = 100
NO_OFFICER = "No officer recorded"
CSV_COLUMNS = (
    "clock_id", "reference", "officer", "duty", "enhanced", "started_on", "due_on", "stopped_on", "stopped_by",
    "told_in_time", "breached",
)


@dataclass(frozen=True)
class ClockRow:
    id: int
    reference: str
    officer: str
    duty: str
    enhanced: bool
    due_on: date


@dataclass(frozen=True)
class WeekCompliance:
    week_starting: date
    due: int
    told_in_time: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.told_in_time / self.due) if self.due else None


def _grouped(rows: list[ClockRow]) -> dict[str, list[ClockRow]]:
    groups: dict[str, list[ClockRow]] = defaultdict(list)
    for row in sorted(rows, key=lambda row: (row.officer, row.due_on, row.id)):
        groups[row.officer].append(row)
    return dict(groups)


def open_clocks_by_officer(session: Session, *, now: datetime, zone: str) -> dict[str, dict[str, list[ClockRow]]]:
    """{"overdue" | "due_today" | "due_soon": {officer: [rows]}} for open clocks; later ones are left out."""
    today = local_date(now, zone)
    soon = add_working_days(today, SOON_WORKING_DAYS)
    query = (
        select(CodeClock, Case.reference, Case.officer_name)
        .outerjoin(Case, Case.id == CodeClock.case_id)
        .where(CodeClock.stopped_at.is_(None), CodeClock.due_on <= soon)
    )
    buckets: dict[str, list[ClockRow]] = {"overdue": [], "due_today": [], "due_soon": []}
    for clock, reference, officer in session.execute(query):
        row = ClockRow(clock.id, reference or "no case", officer or NO_OFFICER, duties.DUTY_LABELS[clock.duty],
                       clock.enhanced, clock.due_on)
        bucket = "overdue" if clock.due_on < today else "due_today" if clock.due_on == today else "due_soon"
        buckets[bucket].append(row)
    return {name: _grouped(rows) for name, rows in buckets.items()}


def _told_in_time(clock: CodeClock, zone: str) -> bool:
    return clock.stopped_by in (*duties.TOLD_ROUTES, duties.REFERRAL_ACTED_ON) and (
        local_date(clock.stopped_at, zone) <= clock.due_on
    )


def weekly_compliance(session: Session, *, now: datetime, zone: str, weeks: int = 8) -> list[WeekCompliance]:
    """For each of the last `weeks` weeks (Monday first, this week last): clocks due that week, and how many
    were told in time. Clocks that ended without a duty (a progress clock whose case moved on), and open clocks
    due today (there is still time), are left out."""
    today = local_date(now, zone)
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    counts = {first + timedelta(weeks=n): [0, 0] for n in range(weeks)}
    query = select(CodeClock).where(CodeClock.due_on >= first, CodeClock.due_on <= today)
    for clock in session.scalars(query):
        if clock.stopped_by == duties.NO_LONGER_DUE or (clock.stopped_at is None and clock.due_on >= today):
            continue  # ended without a duty, or still open with time left today: not decided yet
        week = counts[clock.due_on - timedelta(days=clock.due_on.weekday())]
        week[0] += 1
        week[1] += int(clock.stopped_at is not None and _told_in_time(clock, zone))
    return [WeekCompliance(start, due, told) for start, (due, told) in counts.items()]


def export_rows(session: Session, *, zone: str) -> list[dict[str, Any]]:
    """Every clock, oldest first, as the commissioner's CSV rows (no victim's details)."""
    query = (
        select(CodeClock, Case.reference, Case.officer_name)
        .outerjoin(Case, Case.id == CodeClock.case_id)
        .order_by(CodeClock.started_at, CodeClock.id)
    )
    rows = []
    for clock, reference, officer in session.execute(query):
        stopped = clock.stopped_at is not None
        rows.append({
            "clock_id": clock.id, "reference": reference or "", "officer": officer or "", "duty": clock.duty,
            "enhanced": "yes" if clock.enhanced else "no",
            "started_on": local_date(clock.started_at, zone).isoformat(), "due_on": clock.due_on.isoformat(),
            "stopped_on": local_date(clock.stopped_at, zone).isoformat() if stopped else "",
            "stopped_by": clock.stopped_by or "",
            "told_in_time": ("yes" if _told_in_time(clock, zone) else "no") if stopped else "open",
            "breached": "yes" if clock.breached_at else "no",
        })
    return rows

@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str  # the week, e.g. "30 Nov"
    value: str  # "92%" or "none due"
    summary: str  # for screen readers and the table: "30 Nov: 11 of 12 told in time"


def bars(weeks: list[WeekCompliance]) -> list[Bar]:
    """One bar per week, its height the share of clocks due that week whose victim was told in time."""
    slot = (WIDTH - PLOT_LEFT) // max(len(weeks), 1)
    plot_height = PLOT_BOTTOM - PLOT_TOP
    result = []
    for index, week in enumerate(weeks):
        percent = week.percent
        height = round(plot_height * (percent or 0) / TARGET_PERCENT)
        label = f"{week.week_starting.day} {week.week_starting:%b}"
        result.append(Bar(
            x=PLOT_LEFT + index * slot + slot // 6, y=PLOT_BOTTOM - height, width=slot * 2 // 3, height=height,
            label=label, value="none due" if percent is None else f"{percent}%",
            summary=f"{label}: {week.told_in_time} of {week.due} told in time",
        ))
    return result
