"""Bordereau core: everything that runs without Qt (see ARCHITECTURE.md)."""
