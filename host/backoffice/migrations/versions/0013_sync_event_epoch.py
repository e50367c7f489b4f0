"""sync_events: the station's outbox epoch, and uniqueness by content too

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-03 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

_CONTENT = ["station_id", "outbox_epoch", "outbox_index", "key_id", "time", "reason", "detail"]


def upgrade() -> None:
    with op.batch_alter_table("sync_events") as batch:
        batch.add_column(
            sa.Column(
                "outbox_epoch",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                server_default="0",
                nullable=False,
            )
        )
        batch.drop_constraint("uq_sync_events_station_id", type_="unique")
        batch.create_unique_constraint("uq_sync_events_station_id", _CONTENT)


def downgrade() -> None:
    with op.batch_alter_table("sync_events") as batch:
        batch.drop_constraint("uq_sync_events_station_id", type_="unique")
        batch.create_unique_constraint("uq_sync_events_station_id", ["station_id", "outbox_index"])
        batch.drop_column("outbox_epoch")
