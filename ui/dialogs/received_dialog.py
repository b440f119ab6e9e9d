"""One received invoice, readable: what the checks found (alerts first, in red), the page
rendered from its data, « Voir le PDF » when the supplier sent one, « Enregistrer
l'original… », and the answers (Approuver, Refuser…, Mettre en litige…, Paiement
transmis…). The answers themselves are sent by the panel that opened it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.lifecycle import REASONS
from app.receiving.readable import readable_html
from app.receiving.service import ReceivedDetail
from ui.behaviour import fit_to_screen
from ui.questions import ask_day


class ReceivedInvoiceDialog(QDialog):
    answer_requested = Signal(str)  # approve | refuse | dispute | paid
    pdf_requested = Signal()
    original_requested = Signal()

    def __init__(self, detail: ReceivedDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("facture_recue")
        summary = detail.summary
        kind = "Avoir" if summary["type"] == "avoir" else "Facture"
        self.setWindowTitle(f"{kind} reçue {summary['numero'] or ''} — {summary['fournisseur']}")
        layout = QVBoxLayout(self)
        status = QLabel(f"Statut : <b>{summary['libelle']}</b>")
        status.setObjectName("statut_recue")
        layout.addWidget(status)
        page = QTextBrowser()
        page.setObjectName("page_recue")
        page.setOpenLinks(False)
        if detail.document is not None:
            page.setHtml(readable_html(detail.document, detail.findings))
        else:
            page.setPlainText(
                "Ce fichier ne peut pas être lu : "
                f"{detail.read_error or 'format inconnu'}.\n\nL'original est gardé tel quel : "
                "« Enregistrer l'original… » pour l'ouvrir dans un autre logiciel, et "
                "demandez au fournisseur de renvoyer sa facture."
            )
        layout.addWidget(page, 1)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        closed = summary["statut"] == "PA_210"
        for key, text, enabled in (
            ("approve", "&Approuver", detail.document is not None and not closed),
            ("refuse", "Re&fuser…", detail.document is not None and not closed),
            ("dispute", "Mettre en &litige…", detail.document is not None and not closed),
            ("paid", "&Paiement transmis…", detail.document is not None and not closed),
        ):
            button = QPushButton(text)
            button.setObjectName(f"reponse_{key}")
            button.setEnabled(enabled)
            button.clicked.connect(lambda _=False, chosen=key: self._answer(chosen))
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        if detail.document is not None and detail.document.pdf is not None:
            pdf = QPushButton("Voir le P&DF")
            pdf.setObjectName("voir_pdf_recu")
            pdf.clicked.connect(self.pdf_requested.emit)
            buttons.addWidget(pdf)
        original = QPushButton("Enregistrer l'&original…")
        original.setObjectName("enregistrer_original")
        original.clicked.connect(self.original_requested.emit)
        buttons.addWidget(original)
        close = QPushButton("Fermer")
        close.setObjectName("fermer_recue")
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        fit_to_screen(self, 820, 640)

    def _answer(self, action: str) -> None:
        self.answer_requested.emit(action)


def ask_reason(parent: QWidget, action: str, number: str) -> tuple[str, str] | None:
    """The norm's reason code and a comment for a refusal or a dispute, or None."""
    box = QDialog(parent)
    box.setObjectName("motif_reponse")
    refusing = action == "refuse"
    box.setWindowTitle(f"{'Refuser' if refusing else 'Mettre en litige'} la facture {number}")
    form = QFormLayout(box)
    intro = QLabel(
        "Le fournisseur reçoit ce motif par sa plateforme. "
        + (
            "Un refus est définitif : il devra faire un avoir et une nouvelle facture."
            if refusing
            else "Un litige suspend le paiement jusqu'à ce que vous vous entendiez."
        )
    )
    intro.setWordWrap(True)
    form.addRow(intro)
    reasons = QComboBox()
    reasons.setObjectName("motif")
    for code, meaning in REASONS.items():
        reasons.addItem(f"{meaning[:1].upper()}{meaning[1:]} ({code})", code)
    label = QLabel("&Motif")
    label.setBuddy(reasons)
    form.addRow(label, reasons)
    comment = QLineEdit()
    comment.setObjectName("commentaire")
    comment.setMaxLength(1000)
    comment.setPlaceholderText("ex. : TVA à 10 % pour ces travaux, pas 20 %")
    comment_label = QLabel("&Commentaire")
    comment_label.setBuddy(comment)
    form.addRow(comment_label, comment)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
        "Refuser la facture" if refusing else "Mettre en litige"
    )
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
    buttons.accepted.connect(box.accept)
    buttons.rejected.connect(box.reject)
    form.addRow(buttons)
    box.resize(560, box.sizeHint().height())
    if box.exec() != QDialog.DialogCode.Accepted:
        return None
    return str(reasons.currentData()), comment.text().strip()


def ask_paid_date(parent: QWidget, number: str, amount: str) -> date | None:
    """The day the payment left (today by default, never in the future), or None."""
    return ask_day(
        parent,
        name="date_paiement_recue",
        title=f"Paiement de la facture {number}",
        text=f"Vous avez payé {amount} ? Bordereau envoie « Paiement transmis » au fournisseur "
        "par sa plateforme ; cela ne se reprend pas.",
        label="&Payé le",
        confirm="Déclarer le paiement",
    )
