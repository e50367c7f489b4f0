"""retention settings: how long the site keeps each kind of data

Revision ID: 0009
Revises: 0002
Create Date: 2026-12-03 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_settings",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column(
            "keep_days", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "changed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "changed_at", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["users.id"], name=op.f("fk_retention_settings_changed_by_users")
        ),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_retention_settings")),
    )


def downgrade() -> None:
    op.drop_table("retention_settings")
