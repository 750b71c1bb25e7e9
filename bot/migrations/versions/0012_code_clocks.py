"""Victims' Code clocks (tables added by the clocks work).

Revision ID: 0012_code_clocks
Revises: 0011_case_feed
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_code_clocks"
down_revision = "0011_case_feed"
branch_labels = None
depends_on = None

INDEXED = ("case_id", "case_event_id", "referral_id", "due_on", "stopped_at")


def upgrade() -> None:
    op.create_table(
        "code_clocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("duty", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("case_event_id", sa.Integer(), nullable=True),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("enhanced", sa.Boolean(), nullable=False),
        sa.Column("haven_may_tell", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        sa.Column("stopped_by", sa.String(length=20), nullable=True),
        sa.Column("stopped_staff_id", sa.Integer(), nullable=True),
        sa.Column("breached_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_code_clocks_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["case_event_id"], ["case_events.id"], name=op.f("fk_code_clocks_case_event_id_case_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_code_clocks_referral_id_referrals"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["stopped_staff_id"], ["staff.id"], name=op.f("fk_code_clocks_stopped_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_clocks")),
        sa.UniqueConstraint("key", name=op.f("uq_code_clocks_key")),
    )
    for column in INDEXED:
        op.create_index(op.f(f"ix_code_clocks_{column}"), "code_clocks", [column], unique=False)


def downgrade() -> None:
    for column in reversed(INDEXED):
        op.drop_index(op.f(f"ix_code_clocks_{column}"), table_name="code_clocks")
    op.drop_table("code_clocks")
