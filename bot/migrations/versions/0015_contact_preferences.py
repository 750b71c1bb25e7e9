"""Safe contact: victims' contact preferences and the nudge attempts made per update and channel.

Revision ID: 0015_contact_preferences
Revises: 0014_dash_referrals
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_contact_preferences"
down_revision = "0014_dash_referrals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_preferences",
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("channels", sa.String(length=100), nullable=True),
        sa.Column("window", sa.String(length=11), nullable=True),
        sa.Column("no_weekends", sa.Boolean(), nullable=False),
        sa.Column("ask_first", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["victim_id"], ["victims.id"], name=op.f("fk_contact_preferences_victim_id_victims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("victim_id", name=op.f("pk_contact_preferences")),
    )
    op.create_table(
        "contact_nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outbox_key", sa.String(length=190), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["update_id"], ["case_updates.id"], name=op.f("fk_contact_nudges_update_id_case_updates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["victim_id"], ["victims.id"], name=op.f("fk_contact_nudges_victim_id_victims"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_contact_nudges_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_nudges")),
        sa.UniqueConstraint("update_id", "victim_id", "channel", name="uq_contact_nudges_update_id"),
    )
    op.create_index(op.f("ix_contact_nudges_victim_id"), "contact_nudges", ["victim_id"], unique=False)
    op.create_index(op.f("ix_contact_nudges_status"), "contact_nudges", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_contact_nudges_status"), table_name="contact_nudges")
    op.drop_index(op.f("ix_contact_nudges_victim_id"), table_name="contact_nudges")
    op.drop_table("contact_nudges")
    op.drop_table("contact_preferences")
