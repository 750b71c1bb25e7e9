"""Victims' Code clocks (tables added by the clocks work).

Revision ID: 0012_code_clocks
Revises: 0011_case_feed
"""

from __future__ import annotations

revision = "0012_code_clocks"
down_revision = "0011_case_feed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
