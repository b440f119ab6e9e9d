"""Keeping the local invoices in step with Chorus Pro."""
