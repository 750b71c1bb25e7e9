"""Directory test helpers: load the real directory, or a small YAML directory written for one test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import Session

from bot.directory.importer import import_directory
from tests.directory.factories import AGENCIES_FILE


@pytest.fixture
def write_directory(tmp_path: Path) -> Callable[..., Path]:
    """Write a directory YAML file from agency records and return its path."""

    def write(*agencies: dict, name: str = "agencies.yml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump({"agencies": list(agencies)}, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def directory(session: Session) -> Session:
    """The session, with the real agencies.yml imported and committed."""
    import_directory(session, AGENCIES_FILE)
    session.commit()
    return session
