"""E-invoice formats: the CII syntax that Factur-X carries, shared by « Envoyer au format
Factur-X » (app/deposit) and « Saisir une facture » (app/invoicing)."""
