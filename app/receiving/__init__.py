"""Suppliers' invoices received through the Plateforme Agréée (issue 35)."""
