"""Invoices sent through a Plateforme Agréée beside Chorus Pro: the channel each one took, and
the platform's flow id.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(10), nullable=False, server_default="chorus")
        )
        batch.add_column(sa.Column("pa_flow_id", sa.String(64), nullable=True))
        batch.create_index("ix_invoices_pa_flow", ["pa_flow_id"])


def downgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.drop_index("ix_invoices_pa_flow")
        batch.drop_column("pa_flow_id")
        batch.drop_column("channel")
