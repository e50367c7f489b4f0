"""activity_grants and activity_reads: who may read a unit's activity log, and who did

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 18:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

U32 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "activity_grants",
        sa.Column("id", U32, nullable=False),
        sa.Column("unit_id", U32, nullable=False),
        sa.Column("grantee_id", U32, nullable=False),
        sa.Column("ordered_by", U32, nullable=False),
        sa.Column("ordered_at", U32, nullable=False),
        sa.Column("until", U32, nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("ended_at", U32, nullable=True),
        sa.Column("ended_by", U32, nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_activity_grants_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["grantee_id"], ["users.id"], name=op.f("fk_activity_grants_grantee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["ordered_by"], ["users.id"], name=op.f("fk_activity_grants_ordered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["ended_by"], ["users.id"], name=op.f("fk_activity_grants_ended_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_grants")),
    )
    with op.batch_alter_table("activity_grants") as batch:
        batch.create_index(batch.f("ix_activity_grants_unit_id"), ["unit_id"], unique=False)
        batch.create_index(batch.f("ix_activity_grants_grantee_id"), ["grantee_id"], unique=False)
    op.create_table(
        "activity_reads",
        sa.Column("id", U32, nullable=False),
        sa.Column("at", U32, nullable=False),
        sa.Column("user_id", U32, nullable=True),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("unit_id", U32, nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("query", sa.String(), nullable=False),
        sa.Column("rows", U32, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_activity_reads_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_reads")),
    )
    with op.batch_alter_table("activity_reads") as batch:
        batch.create_index(batch.f("ix_activity_reads_at"), ["at"], unique=False)
        batch.create_index(batch.f("ix_activity_reads_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("activity_reads")
    op.drop_table("activity_grants")
