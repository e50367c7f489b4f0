"""site_settings.password_scrypt_n: the scrypt cost of users' passwords (OWASP's N=2^17)

Existing sites get OWASP's cost; their users' older hashes are made again at
it on each user's next sign-in (host/backoffice/passwords.py).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site_settings") as batch:
        batch.add_column(
            sa.Column(
                "password_scrypt_n",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                server_default="131072",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("site_settings") as batch:
        batch.drop_column("password_scrypt_n")
