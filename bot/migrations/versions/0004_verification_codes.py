"""Two-factor verification: registered contacts, offence categories, one-time codes, grants, lock clears, throttles.

Revision ID: 0004_verification_codes
Revises: 0003_live_conversations
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_verification_codes"
down_revision = "0003_live_conversations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("offence_category", sa.String(length=40), nullable=True))
    with op.batch_alter_table("victims") as batch:
        batch.add_column(sa.Column("contact_channel", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("contact_address", sa.String(length=200), nullable=True))
    op.create_table(
        "verification_throttles",
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("touched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_verification_throttles")),
    )
    op.create_table(
        "verification_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("sender_key", sa.String(length=220), nullable=False),
        sa.Column("knowledge", sa.String(length=20), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_verification_codes_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["victim_id"], ["victims.id"], name=op.f("fk_verification_codes_victim_id_victims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_codes")),
    )
    op.create_index(op.f("ix_verification_codes_case_id"), "verification_codes", ["case_id"], unique=False)
    op.create_index(op.f("ix_verification_codes_sender_key"), "verification_codes", ["sender_key"], unique=False)
    op.create_table(
        "disclosure_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("sender_key", sa.String(length=220), nullable=False),
        sa.Column("knowledge", sa.String(length=20), nullable=False),
        sa.Column("possession", sa.String(length=30), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_disclosure_grants_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["victim_id"], ["victims.id"], name=op.f("fk_disclosure_grants_victim_id_victims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_grants")),
    )
    op.create_index(op.f("ix_disclosure_grants_reference"), "disclosure_grants", ["reference"], unique=False)
    op.create_index(op.f("ix_disclosure_grants_sender_key"), "disclosure_grants", ["sender_key"], unique=False)
    op.create_index(op.f("ix_disclosure_grants_granted_at"), "disclosure_grants", ["granted_at"], unique=False)
    op.create_table(
        "verification_lock_clears",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("cleared_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_verification_lock_clears_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_lock_clears")),
    )
    op.create_index(
        op.f("ix_verification_lock_clears_reference"), "verification_lock_clears", ["reference"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_verification_lock_clears_reference"), table_name="verification_lock_clears")
    op.drop_table("verification_lock_clears")
    for name in ("granted_at", "sender_key", "reference"):
        op.drop_index(op.f(f"ix_disclosure_grants_{name}"), table_name="disclosure_grants")
    op.drop_table("disclosure_grants")
    for name in ("sender_key", "case_id"):
        op.drop_index(op.f(f"ix_verification_codes_{name}"), table_name="verification_codes")
    op.drop_table("verification_codes")
    op.drop_table("verification_throttles")
    with op.batch_alter_table("victims") as batch:
        batch.drop_column("contact_address")
        batch.drop_column("contact_channel")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("offence_category")
