"""Top-level windows beside the main window."""
