"""Revocable sessions (a per-user epoch) and the last activity of a call (stale calls end).

Revision ID: 0003_sessions_activity
Revises: 0002_accounts
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_sessions_activity"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("last_active_at", sa.DateTime(), nullable=True))
    op.create_index("ix_calls_status", "calls", ["status"])


def downgrade() -> None:
    op.drop_index("ix_calls_status", "calls")
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("last_active_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")
