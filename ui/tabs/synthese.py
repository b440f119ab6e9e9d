"""Synthèse: the invoices that need something from the user."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.services import Services
from ui.widgets.empty_state import EmptyState


class SyntheseTab(QWidget):
    deposit_requested = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("tab_synthese")
        layout = QVBoxLayout(self)
        self.empty_state = EmptyState(
            "Rien à traiter pour l'instant",
            "Ici s'afficheront les factures qui attendent quelque chose de vous : brouillons, "
            "factures en attente d'envoi, à recycler, suspendues ou rejetées — chacune avec "
            "l'action à faire.",
            action_text="Déposer une facture",
        )
        assert self.empty_state.action_button is not None
        self.empty_state.action_button.clicked.connect(self.deposit_requested)
        layout.addWidget(self.empty_state)
