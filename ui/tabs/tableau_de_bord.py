"""Tableau de bord: amounts by status, expected payments, late payments."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.services import Services
from ui.widgets.empty_state import EmptyState


class TableauDeBordTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("tab_tableau_de_bord")
        layout = QVBoxLayout(self)
        self.empty_state = EmptyState(
            "Votre tableau de bord est vide",
            "Montants en attente, paiements attendus et factures payées en retard (avec les "
            "intérêts moratoires et l'indemnité de 40 € qui vous sont dus) s'afficheront ici "
            "dès votre première facture.",
        )
        layout.addWidget(self.empty_state)
