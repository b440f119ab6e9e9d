"""Déposer: from a PDF to an invoice deposited on Chorus Pro (one module per page, and the
tab that coordinates them)."""

from ui.tabs.deposer.tab import DeposerTab

__all__ = ["DeposerTab"]
