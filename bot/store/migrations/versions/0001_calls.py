"""Calls, their turns, scorecards and record cards.

Revision ID: 0001_calls
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_calls"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("real_call", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("browser_id", sa.String(64), nullable=True),
        sa.Column("trainee", sa.String(64), nullable=False),
        sa.Column("persona", sa.String(64), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("call_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("hangup_by", sa.String(16), nullable=True),
        sa.Column("end_reason", sa.String(32), nullable=True),
        sa.Column("rings", sa.Integer(), nullable=True),
        sa.Column("call_info", sa.JSON(), nullable=True),
        sa.Column("customer_state", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_calls"),
    )
    for column in ("conversation_id", "user_id", "browser_id"):
        op.create_index(f"ix_calls_{column}", "calls", [column])
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_turns_call_id_calls", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_turns"),
        sa.UniqueConstraint("call_id", "n", name="uq_turns_call_id_n"),
    )
    op.create_index("ix_turns_call_id", "turns", ["call_id"])
    op.create_table(
        "scorecards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(40), nullable=False),
        sa.Column("rubric_version", sa.String(32), nullable=False),
        sa.Column("graded_at", sa.DateTime(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_scorecards_call_id_calls", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_scorecards"),
    )
    op.create_index("ix_scorecards_call_id", "scorecards", ["call_id"])
    op.create_table(
        "criterion_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(32), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("max_points", sa.Integer(), nullable=False),
        sa.Column("evidence_turns", sa.JSON(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scorecard_id"], ["scorecards.id"], name="fk_criterion_results_scorecard_id_scorecards", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_criterion_results"),
    )
    op.create_index("ix_criterion_results_scorecard_id", "criterion_results", ["scorecard_id"])
    op.create_table(
        "record_cards",
        sa.Column("call_id", sa.String(40), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name="fk_record_cards_call_id_calls", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("call_id", name="pk_record_cards"),
    )


def downgrade() -> None:
    for table in ("record_cards", "criterion_results", "scorecards", "turns", "calls"):
        op.drop_table(table)
