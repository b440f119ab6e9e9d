"""Read an invoice PDF and prefill the deposit form: Factur-X, text layer, then OCR."""
