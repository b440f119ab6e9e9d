"""Rechercher: find any invoice by number, recipient, period or status."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.services import Services
from ui.widgets.empty_state import EmptyState


class RechercherTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("tab_rechercher")
        layout = QVBoxLayout(self)
        self.empty_state = EmptyState(
            "Aucune facture pour l'instant",
            "Dès que vous aurez déposé ou synchronisé des factures, vous les retrouverez ici "
            "par numéro, destinataire, période, montant ou état, et pourrez les exporter pour "
            "votre comptabilité.",
        )
        layout.addWidget(self.empty_state)
