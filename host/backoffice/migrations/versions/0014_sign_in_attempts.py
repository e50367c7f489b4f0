"""sign_in_attempts: the sign-in throttle's counters, shared by every back-office process

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

U32 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sign_in_attempts",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("window_start", U32, nullable=False),
        sa.Column("attempts", U32, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_attempts")),
    )
    with op.batch_alter_table("sign_in_attempts") as batch:
        batch.create_index(
            batch.f("ix_sign_in_attempts_window_start"), ["window_start"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_in_attempts") as batch:
        batch.drop_index(batch.f("ix_sign_in_attempts_window_start"))
    op.drop_table("sign_in_attempts")
