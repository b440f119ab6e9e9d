"""Déposer: from a PDF to an invoice deposited on Chorus Pro."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.services import Services
from ui.widgets.empty_state import EmptyState


class DeposerTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("tab_deposer")
        layout = QVBoxLayout(self)
        self.empty_state = EmptyState(
            "Déposer une facture sur Chorus Pro",
            "Bordereau lit votre facture PDF, remplit le formulaire de dépôt à votre place et "
            "vérifie tout avant l'envoi, pour éviter les factures « à recycler » ou rejetées.",
            steps=[
                "Glissez le PDF de votre facture dans cette fenêtre.",
                "Vérifiez les champs lus et complétez le destinataire (SIRET, code service, "
                "numéro d'engagement).",
                "Cliquez sur « Valider et envoyer » : la facture part une seule fois, même si "
                "la connexion coupe.",
            ],
        )
        layout.addWidget(self.empty_state)
