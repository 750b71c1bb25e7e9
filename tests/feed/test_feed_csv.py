"""`python -m bot feed import FILE.csv [--dry-run]`: every row checked by the API's model; all rows stored or none."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.feed.cli import main
from bot.feed.models import CaseEvent
from bot.models.cases import Case, CaseUpdate
from tests.cases.factories import make_case

HEADER = "event_id,kind,reference,occurred_at,status,summary,victim_may_be_told\n"
GOOD = (
    "e1,status_change,SP/20001/26,2026-11-20T09:00:00Z,charged,,\n"
    "e2,update,SP/20001/26,2026-11-21T09:00:00Z,,CCTV has been collected.,yes\n"
)
BAD = (
    "e3,status_change,SP/20001/26,2026-11-22T09:00:00Z,nearly_charged,,\n"
    "e4,update,SP/99999/26,2026-11-22T09:00:00Z,,Hello.,yes\n"
)


def counts(session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(CaseEvent)),
        session.scalar(select(func.count()).select_from(CaseUpdate)),
    )


def test_a_dry_run_reports_each_bad_line_and_field_and_stores_nothing(session, tmp_path, capsys):
    make_case(session)
    path = tmp_path / "events.csv"
    path.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    assert main(["import", str(path), "--dry-run"]) == 1
    report = capsys.readouterr().out
    assert "line 4: status: unexpected value" in report
    assert "line 5: reference: no case SP/99999/26" in report
    assert "2 row(s) OK (0 already stored), 2 refused." in report
    assert "Dry run: nothing was stored." in report
    assert counts(session) == (0, 0)


def test_one_bad_row_stores_nothing_and_a_good_file_stores_every_row_once(session, tmp_path, capsys):
    make_case(session)
    path = tmp_path / "events.csv"
    path.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    assert main(["import", str(path)]) == 1
    assert "Nothing was stored" in capsys.readouterr().out
    assert counts(session) == (0, 0)
    path.write_text(HEADER + GOOD, encoding="utf-8")
    assert main(["import", str(path)]) == 0
    assert "Stored 2 new event(s)" in capsys.readouterr().out
    assert main(["import", str(path)]) == 0
    assert "2 row(s) OK (2 already stored)" in capsys.readouterr().out
    assert counts(session) == (2, 2)
    assert session.scalar(select(Case.status)) == "charged"
