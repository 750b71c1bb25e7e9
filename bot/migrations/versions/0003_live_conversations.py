"""Live conversations: one summary row per sender so staff can see every conversation, not only the queue.

Revision ID: 0003_live_conversations
Revises: 0002_directory
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_live_conversations"
down_revision = "0002_directory"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_conversations",
        sa.Column("sender_id", sa.String(length=200), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("last_message_at", sa.DateTime(), nullable=False),
        sa.Column("max_risk_score", sa.Float(), nullable=False),
        sa.Column("max_risk_category", sa.String(length=60), nullable=True),
        sa.Column("last_risk_band", sa.String(length=20), nullable=False),
        sa.Column("watch", sa.Boolean(), nullable=False),
        sa.Column("message_count", sa.Integer(), nullable=False),
        sa.Column("risk_marks", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sender_id", name=op.f("pk_live_conversations")),
        sa.UniqueConstraint("ref", name=op.f("uq_live_conversations_ref")),
    )
    op.create_index(
        op.f("ix_live_conversations_last_message_at"), "live_conversations", ["last_message_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_live_conversations_last_message_at"), table_name="live_conversations")
    op.drop_table("live_conversations")
