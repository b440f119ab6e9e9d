"""Issued invoices kept outside the database: when each was archived and exported, and the
lines a credit note corrects.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("written_invoices") as batch:
        batch.add_column(sa.Column("credited_lines", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("exported_at", sa.DateTime(), nullable=True))
        batch.create_index("ix_written_invoices_credited", ["credited_id"])


def downgrade() -> None:
    with op.batch_alter_table("written_invoices") as batch:
        batch.drop_index("ix_written_invoices_credited")
        batch.drop_column("exported_at")
        batch.drop_column("archived_at")
        batch.drop_column("credited_lines")
