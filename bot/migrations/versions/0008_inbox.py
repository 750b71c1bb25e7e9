"""The durable inbox replaces inbound receipts: messages are stored before they are acknowledged.

Revision ID: 0008_inbox
Revises: 0007_outbox_fencing
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_inbox"
down_revision = "0007_outbox_fencing"
branch_labels = None
depends_on = None



def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("provider_id", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_token", sa.String(length=40), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("provider", "provider_id", name="uq_inbox_provider_id"),
    )
    op.create_index("ix_inbox_unhandled", "inbox", ["status", "channel", "address", "id"], unique=False)
    op.execute(
        "INSERT INTO inbox (provider, provider_id, channel, address, status, attempts, received_at, handled_at, "
        "outcome) SELECT provider, provider_id, CASE provider WHEN 'twilio' THEN 'sms' ELSE provider END, '', "
        "'handled', 1, received_at, received_at, 'migrated receipt' FROM inbound_receipts"
    )
    op.drop_table("inbound_receipts")


def downgrade() -> None:
    op.create_table(
        "inbound_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("provider_id", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_receipts")),
        sa.UniqueConstraint("provider", "provider_id", name="uq_inbound_receipts_provider_id"),
    )
    op.execute(
        "INSERT INTO inbound_receipts (provider, provider_id, received_at) "
        "SELECT provider, substr(provider_id, 1, 100), received_at FROM inbox"
    )
    op.drop_index("ix_inbox_unhandled", table_name="inbox")
    op.drop_table("inbox")
