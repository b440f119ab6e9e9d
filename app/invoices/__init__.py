"""The local invoices as the views and the command line list them."""
