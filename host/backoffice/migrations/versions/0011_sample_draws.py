"""sample_draws: one stored central sample per month, and each redraw with its reason

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 18:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _u32() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sample_draws",
        sa.Column("id", _u32(), nullable=False),
        sa.Column("year", _u32(), nullable=False),
        sa.Column("month", _u32(), nullable=False),
        sa.Column("round", _u32(), nullable=False),
        sa.Column("seed", _u32(), nullable=False),
        sa.Column("count", _u32(), nullable=False),
        sa.Column("drawn_by", _u32(), nullable=True),
        sa.Column("drawn_at", _u32(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["drawn_by"], ["users.id"], name=op.f("fk_sample_draws_drawn_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample_draws")),
        sa.UniqueConstraint("year", "month", "round", name=op.f("uq_sample_draws_year")),
    )


def downgrade() -> None:
    op.drop_table("sample_draws")
