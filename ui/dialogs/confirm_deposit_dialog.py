"""The last look before sending, as the portal shows it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.deposit.checks import Issue
from app.domain.invoice import Invoice
from app.domain.money import format_eur


class ConfirmDepositDialog(QDialog):
    def __init__(
        self, invoice: Invoice, advice: list[Issue], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("confirmer_depot")
        self.setWindowTitle("Valider et envoyer la facture")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Vérifiez une dernière fois : une fois déposée, la facture ne peut plus être "
            "modifiée (seul le destinataire peut la rejeter ou la renvoyer)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        currency = invoice.references.currency
        totals = invoice.totals
        recipient = invoice.recipient
        rows = [
            ("Numéro de facture", invoice.number),
            ("Type", invoice.references.invoice_type.label),
            ("SIRET du destinataire", recipient.siret),
            ("Destinataire", recipient.name or "—"),
            ("Code service", recipient.code_service or "—"),
            ("Numéro d'engagement", invoice.references.engagement_number or "—"),
            ("Montant HT", format_eur(totals.total_ht, currency)),
            ("Montant TVA", format_eur(totals.total_tva, currency)),
            ("Montant TTC après remise", format_eur(totals.total_ttc, currency)),
            ("Net à payer", format_eur(totals.amount_due, currency)),
        ]
        self.values: dict[str, str] = {}
        for label, value in rows:
            shown = QLabel(f"<b>{value}</b>")
            form.addRow(label, shown)
            self.values[label] = value
        layout.addLayout(form)
        if advice:
            notes = QLabel(
                "À savoir (n'empêche pas l'envoi) :<ul>"
                + "".join(f"<li>{issue.message}</li>" for issue in advice)
                + "</ul>"
            )
            notes.setObjectName("confirmer_conseils")
            notes.setProperty("role", "warning")
            notes.setWordWrap(True)
            layout.addWidget(notes)
        buttons = QDialogButtonBox()
        self.send_button = buttons.addButton(
            "Envoyer à Chorus Pro", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.send_button.setObjectName("confirmer_envoyer")
        self.send_button.setProperty("primary", True)
        buttons.addButton("Revenir au formulaire", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.send_button.setDefault(True)
