"""Hand-offs remember the victim message whose turn opened them, so a re-run of that turn can finish its words.

Revision ID: 0016_handoff_opened_for
Revises: 0015_contact_preferences
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_handoff_opened_for"
down_revision = "0015_contact_preferences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("handoffs", sa.Column("opened_for", sa.String(length=80), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch rebuild: rebuilding "handoffs" with foreign keys on
    # would delete every note and page that points at a hand-off.
    op.execute("ALTER TABLE handoffs DROP COLUMN opened_for")
