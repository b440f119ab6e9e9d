"""Déposer: from a PDF to an invoice deposited on Chorus Pro."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.directory.rules import recipient_rules
from app.directory.store import Structure
from app.services import Services
from ui.widgets.empty_state import EmptyState


class DeposerTab(QWidget):
    directory_requested = Signal()

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
            action_text="Chercher le destinataire dans l'annuaire…",
        )
        layout.addWidget(self.empty_state)
        assert self.empty_state.action_button is not None
        self.empty_state.action_button.setObjectName("deposer_annuaire")
        self.empty_state.action_button.clicked.connect(self.directory_requested)
        self.recipient_label = QLabel()
        self.recipient_label.setObjectName("deposer_destinataire")
        self.recipient_label.setWordWrap(True)
        self.recipient_label.setVisible(False)
        layout.addWidget(self.recipient_label)
        self.recipient: Structure | None = None
        self.service_code: str | None = None

    def set_recipient(self, structure: Structure, service_code: str | None) -> None:
        """The recipient chosen in the directory (the deposit form will take it from here)."""
        self.recipient, self.service_code = structure, service_code
        rules = recipient_rules(structure.flags)
        service = f", service {service_code}" if service_code else ""
        self.recipient_label.setText(
            f"Destinataire : <b>{structure.name}</b> (SIRET {structure.siret}{service}) — "
            f"{rules.requirement.label.lower()}."
        )
        self.recipient_label.setVisible(True)
