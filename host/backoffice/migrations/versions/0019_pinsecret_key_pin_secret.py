"""keys.pin_secret: the key's own secret that keys its code verifier (SPEC.md 5.11, 14.1)

Keys enrolled before this revision have none (NULL): the physical keys do not hold
one, so inventing one here would only make their codes fail. They are left out of
bundles until enrolled again (``synk admin key pin-secret``).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("keys") as batch:
        batch.add_column(sa.Column("pin_secret", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("keys") as batch:
        batch.drop_column("pin_secret")
