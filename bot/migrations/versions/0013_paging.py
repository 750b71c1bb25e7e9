"""Staff paging and morning tasks (tables added by the paging work).

Revision ID: 0013_paging
Revises: 0012_code_clocks
"""

from __future__ import annotations

revision = "0013_paging"
down_revision = "0012_code_clocks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
