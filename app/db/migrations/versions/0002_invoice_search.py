"""Invoices: folded search text for the quick search, indexes for the lists' default sorts.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# A copy of app.db.models.LIST_INDEX_COLUMNS as it was: migrations do not follow the app.
LIST_INDEXES: dict[str, tuple[str, ...]] = {
    "ix_invoices_env_deposit": ("environment", "deposit_date", "search_text"),
    "ix_invoices_env_work": ("environment", "status", "rejection_acknowledged", "status_at"),
    "ix_invoices_env_recipient": ("environment", "recipient_siret", "recipient_name"),
    "ix_invoices_env_recipient_name": ("environment", "recipient_name"),
    "ix_invoices_env_status_at": ("environment", "status_at"),
    "ix_invoices_env_type": ("environment", "invoice_type"),
    "ix_invoices_env_service": ("environment", "code_service"),
    "ix_invoices_env_number": ("environment", "number"),
    "ix_invoices_env_issue": ("environment", "issue_date"),
    "ix_invoices_env_ht": ("environment", "total_ht"),
    "ix_invoices_env_ttc": ("environment", "total_ttc"),
    "ix_invoices_env_engagement": ("environment", "engagement_number"),
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def upgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=True))
        for name, columns in LIST_INDEXES.items():
            batch_op.create_index(name, list(columns), unique=False)
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, number, recipient_name, recipient_siret, code_service, "
            "engagement_number, chorus_number FROM invoices"
        )
    ).fetchall()
    for row in rows:
        text = _fold(" ".join(str(part) for part in row[1:] if part))
        connection.execute(
            sa.text("UPDATE invoices SET search_text = :text WHERE id = :id"),
            {"text": text, "id": row[0]},
        )


def downgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        for name in reversed(LIST_INDEXES):
            batch_op.drop_index(name)
        batch_op.drop_column("search_text")
