"""DASH checklists and agency referral decisions (tables added by that work).

Revision ID: 0014_dash_referrals
Revises: 0013_paging
"""

from __future__ import annotations

revision = "0014_dash_referrals"
down_revision = "0013_paging"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
