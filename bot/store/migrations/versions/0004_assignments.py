"""Blind double review: calls an admin assigns to evaluators.

Revision ID: 0004_assignments
Revises: 0003_sessions_activity
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_assignments"
down_revision = "0003_sessions_activity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(40), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_assignments_call_id_calls", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["evaluator_id"], ["users.id"], name="fk_assignments_evaluator_id_users"),
        sa.ForeignKeyConstraint(["assigned_by"], ["users.id"], name="fk_assignments_assigned_by_users"),
        sa.PrimaryKeyConstraint("id", name="pk_assignments"),
        sa.UniqueConstraint("call_id", "evaluator_id", name="uq_assignments_call_id_evaluator_id"),
    )
    op.create_index("ix_assignments_evaluator_id", "assignments", ["evaluator_id"])
    op.create_index("ix_reviews_author_id", "reviews", ["author_id"])


def downgrade() -> None:
    op.drop_index("ix_reviews_author_id", "reviews")
    op.drop_table("assignments")
