"""DASH checklists and agency referral decisions (tables added by that work).

Revision ID: 0014_dash_referrals
Revises: 0013_paging
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_dash_referrals"
down_revision = "0013_paging"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dash_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("completed_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"], name=op.f("fk_dash_assessments_handoff_id_handoffs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["completed_by"], ["staff.id"], name=op.f("fk_dash_assessments_completed_by_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dash_assessments")),
        sa.UniqueConstraint("handoff_id", name=op.f("uq_dash_assessments_handoff_id")),
    )
    op.create_table(
        "agency_accounts",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_agency_accounts_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_agency_accounts_agency_id_agencies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_agency_accounts")),
    )
    op.create_index(op.f("ix_agency_accounts_agency_id"), "agency_accounts", ["agency_id"], unique=False)
    op.create_table(
        "referral_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=3000), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_referral_decisions_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["staff.id"], name=op.f("fk_referral_decisions_decided_by_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_decisions")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_referral_decisions_referral_id")),
    )
    op.create_index(op.f("ix_referral_decisions_decided_at"), "referral_decisions", ["decided_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_referral_decisions_decided_at"), table_name="referral_decisions")
    op.drop_table("referral_decisions")
    op.drop_index(op.f("ix_agency_accounts_agency_id"), table_name="agency_accounts")
    op.drop_table("agency_accounts")
    op.drop_table("dash_assessments")
