"""The 24-hour risk window: verdict defaults for old data, the marks kept, and the summary at any time."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.live.window import Verdict, add_mark, read_verdict, summarise

T0 = datetime(2026, 11, 24, 9, 0)


def feed(*turns: tuple[float, dict | None]) -> list[dict]:
    """Marks after messages `hours` after T0 with the given risk dicts."""
    marks: list[dict] = []
    for hours, risk in turns:
        at = T0 + timedelta(hours=hours)
        marks = add_mark(marks, read_verdict(risk), at, at)
    return marks


def test_old_risk_data_without_score_or_band_is_read_from_escalate():
    assert read_verdict({"escalate": True, "level": "high", "category": "stalking", "matched": ["x"]}) == Verdict(
        1.0, "escalate", "stalking"
    )
    assert read_verdict({"escalate": False, "level": None, "category": None, "matched": []}) == Verdict(
        0.0, "none", None
    )
    assert read_verdict(None) == Verdict(0.0, "none", None)


def test_new_risk_data_keeps_its_score_and_band_clamped_and_checked():
    assert read_verdict({"escalate": False, "score": 0.42, "band": "uncertain", "category": "self_harm"}) == Verdict(
        0.42, "uncertain", "self_harm"
    )
    assert read_verdict({"escalate": True, "score": 7, "band": "bogus"}).score == 1.0
    assert read_verdict({"escalate": True, "score": 0.9, "band": "bogus"}).band == "escalate"
    assert read_verdict({"escalate": False, "score": float("nan")}).score == 0.0


def test_the_maximum_is_over_the_last_24_hours_only():
    marks = feed(
        (0, {"escalate": True, "score": 0.95, "band": "escalate", "category": "domestic_abuse"}),
        (10, {"escalate": False, "score": 0.4, "band": "none", "category": "stalking"}),
        (20, {"escalate": False, "score": 0.1}),
    )
    assert summarise(marks, T0 + timedelta(hours=20)).max_score == 0.95
    later = summarise(marks, T0 + timedelta(hours=25))  # the 0.95 has left the window, the 0.4 has not
    assert (later.max_score, later.category, later.watch, later.escalated) == (0.4, "stalking", True, False)
    gone = summarise(marks, T0 + timedelta(hours=35))
    assert (gone.max_score, gone.watch) == (0.1, False)
    assert summarise(marks, T0 + timedelta(hours=45)).max_score == 0.0


def test_watch_comes_from_an_uncertain_band_even_with_a_low_score():
    marks = feed((0, {"escalate": False, "score": 0.1, "band": "uncertain"}), (5, {"escalate": False, "score": 0.2}))
    assert summarise(marks, T0 + timedelta(hours=5)).watch is True
    assert summarise(marks, T0 + timedelta(hours=24, minutes=1)).watch is False


def test_dominated_marks_are_dropped_so_the_window_stays_small():
    marks = feed(*[(hour / 10, {"escalate": False, "score": 0.05 + hour / 1000}) for hour in range(200)])
    assert len(marks) <= 2  # every later message scored at least as high as the earlier ones
    assert feed((0, None), (1, {"escalate": False})) == []  # messages without risk leave no mark
