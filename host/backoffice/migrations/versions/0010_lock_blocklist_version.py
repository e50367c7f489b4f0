"""locks: the newest blocklist version their events show in use, and since when

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("locks") as batch:
        batch.add_column(
            sa.Column(
                "blocklist_version_seen",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                server_default="0",
                nullable=False,
            )
        )
        batch.add_column(
            sa.Column(
                "blocklist_seen_since",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("locks") as batch:
        batch.drop_column("blocklist_seen_since")
        batch.drop_column("blocklist_version_seen")
