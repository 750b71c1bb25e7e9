"""Room for an encrypted TOTP secret (outbox payloads are encrypted inside their JSON column: no change).

Revision ID: 0009_sealed_secrets
Revises: 0008_inbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_sealed_secrets"
down_revision = "0008_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite does not enforce VARCHAR lengths, and rebuilding `staff` there would cascade deletes: PostgreSQL only.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("staff", "totp_secret", type_=sa.String(length=255), existing_nullable=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("staff", "totp_secret", type_=sa.String(length=64), existing_nullable=True)
