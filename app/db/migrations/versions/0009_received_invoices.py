"""Supplier invoices received through the Plateforme Agréée, their history, and the outbox's
answers about them (an entry is about an issued invoice or about a received one).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "received_invoices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("local_uid", sa.String(36), nullable=False, unique=True),
        sa.Column("environment", sa.String(20), nullable=False),
        sa.Column("pa_flow_id", sa.String(64), nullable=False),
        sa.Column("syntax", sa.String(10), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("original_sha256", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("number", sa.String(200)),
        sa.Column("type_code", sa.String(10)),
        sa.Column("issue_date", sa.Date),
        sa.Column("due_date", sa.Date),
        sa.Column("currency", sa.String(3)),
        sa.Column("seller_name", sa.String(300)),
        sa.Column("seller_key", sa.String(40)),
        sa.Column("seller_vat", sa.String(40)),
        sa.Column("buyer_siren", sa.String(9)),
        sa.Column("total_ht", sa.BigInteger),
        sa.Column("total_tva", sa.BigInteger),
        sa.Column("total_ttc", sa.BigInteger),
        sa.Column("amount_due", sa.BigInteger),
        sa.Column("iban", sa.String(60)),
        sa.Column("readable", sa.Boolean, nullable=False),
        sa.Column("read_error", sa.Text),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("problems", sa.JSON, nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("status_at", sa.DateTime()),
        sa.Column("status_comment", sa.Text),
        sa.Column("paid_on", sa.Date),
        sa.Column("archived", sa.Boolean, nullable=False),
        sa.UniqueConstraint("environment", "pa_flow_id", name="uq_received_flow"),
    )
    op.create_index("ix_received_seller_number", "received_invoices", ["seller_key", "number"])
    op.create_table(
        "received_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "received_id",
            sa.Integer,
            sa.ForeignKey("received_invoices.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("actor", sa.String(200)),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("received_id", "status", "occurred_at"),
    )
    with op.batch_alter_table("outbox_entries") as batch:
        batch.alter_column("invoice_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(sa.Column("received_id", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_outbox_received",
            "received_invoices",
            ["received_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_entries") as batch:
        batch.drop_constraint("fk_outbox_received", type_="foreignkey")
        batch.drop_column("received_id")
    op.drop_table("received_history")
    op.drop_index("ix_received_seller_number", "received_invoices")
    op.drop_table("received_invoices")
