"""Initial schema: structures, invoices, lines, attachments, history, outbox.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 05:33:16.478459
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('supplier_structures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('environment', sa.String(length=20), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('id_structure_cpp', sa.BigInteger(), nullable=True),
    sa.Column('id_service', sa.BigInteger(), nullable=True),
    sa.Column('bank_account_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('environment', 'siret')
    )
    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('local_uid', sa.String(length=36), nullable=False),
    sa.Column('environment', sa.String(length=20), nullable=False),
    sa.Column('supplier_structure_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('invoice_type', sa.String(length=10), nullable=False),
    sa.Column('deposit_mode', sa.String(length=30), nullable=False),
    sa.Column('cadre', sa.String(length=60), nullable=False),
    sa.Column('validator_siret', sa.String(length=14), nullable=True),
    sa.Column('validator_service', sa.String(length=100), nullable=True),
    sa.Column('recipient_siret', sa.String(length=14), nullable=False),
    sa.Column('recipient_name', sa.String(length=200), nullable=True),
    sa.Column('code_service', sa.String(length=100), nullable=True),
    sa.Column('engagement_number', sa.String(length=50), nullable=True),
    sa.Column('contract_number', sa.String(length=50), nullable=True),
    sa.Column('original_invoice_number', sa.String(length=20), nullable=True),
    sa.Column('vat_type', sa.String(length=30), nullable=False),
    sa.Column('vat_exemption_reason', sa.String(length=100), nullable=True),
    sa.Column('payment_mode', sa.String(length=20), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_ht', sa.BigInteger(), nullable=False),
    sa.Column('total_tva', sa.BigInteger(), nullable=False),
    sa.Column('total_ttc', sa.BigInteger(), nullable=False),
    sa.Column('global_discount_ttc', sa.BigInteger(), nullable=False),
    sa.Column('global_discount_reason', sa.String(length=200), nullable=True),
    sa.Column('amount_due', sa.BigInteger(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('status_at', sa.DateTime(), nullable=True),
    sa.Column('status_comment', sa.Text(), nullable=True),
    sa.Column('rejection_acknowledged', sa.Boolean(), nullable=False),
    sa.Column('chorus_invoice_id', sa.BigInteger(), nullable=True),
    sa.Column('chorus_number', sa.String(length=40), nullable=True),
    sa.Column('deposit_date', sa.Date(), nullable=True),
    sa.Column('deposit_fingerprint', sa.Text(), nullable=True),
    sa.Column('payment_deadline_days', sa.Integer(), nullable=True),
    sa.Column('source_file_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['supplier_structure_id'], ['supplier_structures.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('environment', 'chorus_invoice_id'),
    sa.UniqueConstraint('local_uid')
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('ix_invoices_status', ['status'], unique=False)
        batch_op.create_index('ix_invoices_supplier_number', ['supplier_structure_id', 'number'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('mime_type', sa.String(length=100), nullable=False),
    sa.Column('designation', sa.String(length=100), nullable=True),
    sa.Column('type_code', sa.String(length=30), nullable=True),
    sa.Column('chorus_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_sha256'), ['sha256'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('quantity', sa.String(length=30), nullable=False),
    sa.Column('unit', sa.String(length=30), nullable=True),
    sa.Column('unit_price_ht', sa.BigInteger(), nullable=False),
    sa.Column('discount_ht', sa.BigInteger(), nullable=False),
    sa.Column('vat_rate', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('invoice_vat_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('rate', sa.String(length=10), nullable=False),
    sa.Column('base_ht', sa.BigInteger(), nullable=False),
    sa.Column('vat_amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('outbox_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('operation', sa.String(length=30), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('chorus_attachment_id', sa.BigInteger(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outbox_entries', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_state', ['state'], unique=False)

    op.create_table('status_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=True),
    sa.Column('chorus_history_id', sa.BigInteger(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('invoice_id', 'status', 'occurred_at')
    )



def downgrade() -> None:

    op.drop_table('status_history')
    with op.batch_alter_table('outbox_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state')

    op.drop_table('outbox_entries')
    op.drop_table('invoice_vat_lines')
    op.drop_table('invoice_lines')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_sha256'))

    op.drop_table('attachments')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_supplier_number')
        batch_op.drop_index('ix_invoices_status')

    op.drop_table('invoices')
    op.drop_table('supplier_structures')

