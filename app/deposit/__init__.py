"""Depositing an invoice: checks, drafts, and the outbox that sends it exactly once."""
