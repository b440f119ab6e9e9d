"""« Saisir une facture »: invoices written in Bordereau (issue 24)."""
