"""The last look before sending, as the portal shows it: everything that will be sent."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.deposit.checks import Issue
from app.domain.enums import TypeFacture, TypeTva
from app.domain.invoice import Invoice
from app.domain.money import format_eur
from app.prefill.parsing import format_date_fr


def confirmation_rows(invoice: Invoice, *, facturx: bool = False) -> list[tuple[str, str]]:
    """(label, value) of every field the deposit sends, in the order of the form."""
    references, totals, recipient = invoice.references, invoice.totals, invoice.recipient
    currency = references.currency
    regime = references.vat_type.label
    if references.vat_type is TypeTva.EXONERATION and references.vat_exemption_reason:
        regime += f" — {references.vat_exemption_reason}"
    rows = [
        ("Numéro de facture", invoice.number),
        ("Type", references.invoice_type.label),
        ("Date de facture", format_date_fr(invoice.issue_date) if invoice.issue_date else "—"),
        ("Cadre de facturation", invoice.framework.code.label),
        ("Destinataire", f"{recipient.name or '—'} (SIRET {recipient.siret})"),
        ("Code service", recipient.code_service or "—"),
        ("Numéro d'engagement", references.engagement_number or "—"),
    ]
    if references.contract_number:
        rows.append(("Numéro de marché", references.contract_number))
    if references.invoice_type is TypeFacture.AVOIR:
        rows.append(("Facture d'origine", references.original_invoice_number or "—"))
    if invoice.framework.validator_siret:
        rows.append(("Structure valideur", invoice.framework.validator_siret))
    rows += [
        ("Montant HT", format_eur(totals.total_ht, currency)),
        ("Montant TVA", format_eur(totals.total_tva, currency)),
    ]
    if totals.global_discount_ttc:
        rows.append(("Remise globale", format_eur(totals.global_discount_ttc, currency)))
    rows += [
        ("Montant TTC après remise", format_eur(totals.total_ttc, currency)),
        ("Net à payer", format_eur(totals.amount_due, currency)),
        ("Régime de TVA", regime),
        ("Mode de paiement", references.payment_mode.label),
        (
            "Facture (PDF)",
            invoice.main_attachment.file_name if invoice.main_attachment else "aucune",
        ),
        (
            "Pièces jointes",
            ", ".join(a.file_name for a in invoice.other_attachments) or "aucune",
        ),
        ("Format d'envoi", "Factur-X (PDF + données EN 16931)" if facturx else "PDF"),
    ]
    return rows


class ConfirmDepositDialog(QDialog):
    def __init__(
        self,
        invoice: Invoice,
        advice: list[Issue],
        parent: QWidget | None = None,
        *,
        facturx: bool = False,
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
        self.values: dict[str, str] = {}
        for label, value in confirmation_rows(invoice, facturx=facturx):
            shown = QLabel(value)
            shown.setTextFormat(Qt.TextFormat.PlainText)  # a file name is not markup
            shown.setWordWrap(True)
            shown.setProperty("role", "value")
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
