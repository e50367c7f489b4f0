"""anomalies.key_blocked_since: when the key of a lost_key/blocked_key event was reported

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 19:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("anomalies") as batch:
        batch.add_column(
            sa.Column(
                "key_blocked_since",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("anomalies") as batch:
        batch.drop_column("key_blocked_since")
