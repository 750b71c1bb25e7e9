"""Outbox fencing: a fresh lease token per claim, a lease deadline, and a unique idempotency key per message.

Revision ID: 0007_outbox_fencing
Revises: 0006_staff_access
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_outbox_fencing"
down_revision = "0006_staff_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN and CREATE INDEX: no SQLite table rebuild.
    op.add_column("outbox", sa.Column("idempotency_key", sa.String(length=200), nullable=True))
    op.add_column("outbox", sa.Column("lease_token", sa.String(length=32), nullable=True))
    op.add_column("outbox", sa.Column("lease_expires_at", sa.DateTime(), nullable=True))
    outbox = sa.table("outbox", sa.column("id", sa.Integer()), sa.column("idempotency_key", sa.String()))
    # Rows queued before this revision get a key that no caller can produce ("legacy:<id>#0").
    op.execute(
        outbox.update()
        .where(outbox.c.idempotency_key.is_(None))
        .values(idempotency_key=sa.literal("legacy:") + sa.cast(outbox.c.id, sa.String()) + sa.literal("#0"))
    )
    op.create_index("uq_outbox_idempotency_key", "outbox", ["idempotency_key"], unique=True)
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_index("uq_outbox_idempotency_key", table_name="outbox")
    for column in ("lease_expires_at", "lease_token", "idempotency_key"):
        op.drop_column("outbox", column)  # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), no rebuild
