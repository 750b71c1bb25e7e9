"""Staff paging and morning tasks (tables added by the paging work).

Staff get an on-call flag and a pager contact; pages_sent holds one row per hand-off and paging level.
Morning tasks need no table: a hand-off opened outside gateway hours is one (bot/handoff/queue.py).

Revision ID: 0013_paging
Revises: 0012_code_clocks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_paging"
down_revision = "0012_code_clocks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("staff", sa.Column("on_call", sa.Boolean(), nullable=False, server_default="0"))
    op.add_column("staff", sa.Column("pager_contact", sa.String(length=200), nullable=True))
    op.create_table(
        "pages_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"], name=op.f("fk_pages_sent_handoff_id_handoffs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pages_sent")),
        sa.UniqueConstraint("handoff_id", "level", name="uq_pages_sent_handoff_id_level"),
    )


def downgrade() -> None:
    op.drop_table("pages_sent")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch rebuild: rebuilding "staff" with foreign keys on
    # would delete every staff session and unassign every hand-off.
    for column in ("pager_contact", "on_call"):
        op.execute(f"ALTER TABLE staff DROP COLUMN {column}")
