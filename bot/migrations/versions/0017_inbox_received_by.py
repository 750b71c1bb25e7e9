"""Inbox messages remember which instance's processor stored them, so that instance runs their turns first.

Revision ID: 0017_inbox_received_by
Revises: 0016_handoff_opened_for
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_inbox_received_by"
down_revision = "0016_handoff_opened_for"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("inbox", sa.Column("received_by", sa.String(length=80), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE inbox DROP COLUMN received_by")  # SQLite 3.35+; no table rebuild
