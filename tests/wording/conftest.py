"""Wording tests that need the real directory imported into a test database."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.directory.importer import import_directory
from tests.directory.factories import AGENCIES_FILE


@pytest.fixture
def directory(session: Session) -> Session:
    """The session, with the real agencies.yml imported and committed."""
    import_directory(session, AGENCIES_FILE)
    session.commit()
    return session
