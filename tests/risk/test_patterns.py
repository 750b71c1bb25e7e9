"""Every `examples` entry in data/risk/*.yml matches its pattern; every `not_examples` entry does not."""

from __future__ import annotations

import pytest

from bot.risk.patterns import PatternEntry, PatternError, load_entries
from bot.risk.screener import RiskScreener
from tests.risk.conftest import RISK_DIR

ENTRIES = load_entries(RISK_DIR)
EXAMPLES = [(entry, text) for entry in ENTRIES for text in entry.examples]
NOT_EXAMPLES = [(entry, text) for entry in ENTRIES for text in entry.not_examples]


def _label(value: object) -> str:
    return f"{value.category}/{value.id}" if isinstance(value, PatternEntry) else str(value)[:40]


def _matched_keys(screener: RiskScreener, text: str) -> set[tuple[str, str]]:
    return {(hit.entry.category, hit.entry.id) for hit in screener.hits(text)}


def test_every_pattern_has_examples_and_not_examples() -> None:
    missing = [_label(entry) for entry in ENTRIES if not entry.examples or not entry.not_examples]
    assert missing == []


@pytest.mark.parametrize(("entry", "text"), EXAMPLES, ids=_label)
def test_example_matches_its_pattern_and_escalates(screener: RiskScreener, entry: PatternEntry, text: str) -> None:
    assert (entry.category, entry.id) in _matched_keys(screener, text)
    assert screener.screen(text).escalate


@pytest.mark.parametrize(("entry", "text"), NOT_EXAMPLES, ids=_label)
def test_not_example_does_not_match_its_pattern(screener: RiskScreener, entry: PatternEntry, text: str) -> None:
    assert (entry.category, entry.id) not in _matched_keys(screener, text)


def test_all_required_categories_are_covered() -> None:
    categories = {entry.category for entry in ENTRIES}
    assert categories >= {
        "imminent_danger", "threat_to_life", "self_harm", "child_at_risk", "sexual_violence", "strangulation",
        "stalking", "honour_based_abuse", "modern_slavery", "domestic_abuse", "weapons",
    }  # fmt: skip


def test_bad_level_is_reported_with_file_and_id(tmp_path) -> None:
    (tmp_path / "bad.yml").write_text(
        "category: x\npatterns:\n  - id: oops\n    level: urgent\n    phrases: [help]\n", encoding="utf-8"
    )
    with pytest.raises(PatternError, match=r"bad\.yml: pattern oops: level must be"):
        load_entries(tmp_path)


def test_unquoted_no_in_a_list_is_refused(tmp_path) -> None:
    (tmp_path / "bad.yml").write_text(
        "category: x\npatterns:\n  - id: oops\n    level: high\n    phrases: [no, help]\n", encoding="utf-8"
    )
    with pytest.raises(PatternError, match="in quotes"):
        load_entries(tmp_path)
