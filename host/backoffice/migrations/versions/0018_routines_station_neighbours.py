"""station_neighbours: the units whose keys a station may also serve (issue 16.1, seed 004)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

U32 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "station_neighbours",
        sa.Column("station_id", U32, nullable=False),
        sa.Column("unit_id", U32, nullable=False),
        sa.Column("created_at", U32, nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_station_neighbours_station_id_stations")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_station_neighbours_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("station_id", "unit_id", name=op.f("pk_station_neighbours")),
    )


def downgrade() -> None:
    op.drop_table("station_neighbours")
