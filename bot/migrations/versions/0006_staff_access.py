"""Staff access: per-staff API tokens, TOTP two-step sign-in, login throttling, counted transcript reads.

Revision ID: 0006_staff_access
Revises: 0004_verification_codes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_staff_access"
down_revision = "0004_verification_codes"  # no 0005: the privacy work needed no table
branch_labels = None
depends_on = None


def _token_table(name: str, *columns: sa.Column) -> None:
    """A table keyed by a hashed random token and owned by one staff member."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f(f"fk_{name}_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("token_hash", name=op.f(f"uq_{name}_token_hash")),
    )
    op.create_index(op.f(f"ix_{name}_staff_id"), name, ["staff_id"], unique=False)


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN: on SQLite a table rebuild would cascade deletes from `staff`.
    op.add_column("staff", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    op.add_column("staff", sa.Column("totp_enrolled_at", sa.DateTime(), nullable=True))
    op.add_column("staff", sa.Column("totp_last_counter", sa.Integer(), nullable=True))
    op.add_column("audit_log", sa.Column("repeats", sa.Integer(), server_default="0", nullable=False))
    op.add_column("audit_log", sa.Column("last_at", sa.DateTime(), nullable=True))
    _token_table(
        "staff_login_challenges",
        sa.Column("enrol_secret", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    _token_table(
        "staff_trusted_devices",
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=False),
    )
    _token_table(
        "staff_api_tokens",
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff.id"], name=op.f("fk_staff_api_tokens_created_by_staff"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["staff.id"], name=op.f("fk_staff_api_tokens_revoked_by_staff"), ondelete="SET NULL"
        ),
    )
    op.create_table(
        "staff_login_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("wait_until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_staff_login_throttle")),
    )


def downgrade() -> None:
    op.drop_table("staff_login_throttle")
    for name in ("staff_api_tokens", "staff_trusted_devices", "staff_login_challenges"):
        op.drop_index(op.f(f"ix_{name}_staff_id"), table_name=name)
        op.drop_table(name)
    for table, column in (
        ("audit_log", "last_at"),
        ("audit_log", "repeats"),
        ("staff", "totp_last_counter"),
        ("staff", "totp_enrolled_at"),
        ("staff", "totp_secret"),
    ):
        op.drop_column(table, column)  # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), no rebuild
