"""Fixtures for the risk screen tests: one screener over data/risk, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.risk.screener import RiskScreener
from bot.settings import PROJECT_ROOT

RISK_DIR = PROJECT_ROOT / "data" / "risk"


@pytest.fixture(scope="session")
def risk_dir() -> Path:
    """The real patterns directory."""
    return RISK_DIR


@pytest.fixture(scope="session")
def screener(risk_dir: Path) -> RiskScreener:
    """A screener over the real patterns (spaCy loads once per test session)."""
    return RiskScreener(risk_dir)
