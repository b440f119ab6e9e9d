"""« Factures écrites »: the invoices written in Bordereau — drafts to take up again, issued
ones to open, to send (Chorus Pro for a public customer, the Plateforme Agréée for a
company), to declare paid, or to correct by a credit note in one click."""

from __future__ import annotations

import logging
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.lifecycle import FINAL_CODES, lifecycle_of
from app.domain.money import format_eur
from app.errors import BordereauError
from app.invoicing.credits import CreditPart
from ui import file_dialogs
from ui.questions import ask_day
from ui.workers import Worker, WorkerPool

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.invoicing.storage import IssuedInvoice, WrittenRow
    from app.services import Services

log = logging.getLogger(__name__)
COLUMNS = ("Numéro", "Type", "Client", "Montant TTC", "Émise le", "Envoi")


class WrittenInvoicesWindow(QDialog):
    def __init__(
        self,
        services: Services,
        open_draft: Callable[[int], object],
        parent: QWidget | None = None,
        open_paths: Callable[[list[Path]], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.open_draft = open_draft
        # the computer's PDF application, or Bordereau's own viewer when there is none
        self.open_paths = open_paths or (
            lambda paths: [QDesktopServices.openUrl(QUrl.fromLocalFile(str(p))) for p in paths]
        )
        self.workers = WorkerPool()
        self.setObjectName("factures_ecrites")
        self.setWindowTitle("Factures écrites")
        self.resize(900, 480)
        self.rows: list[WrittenRow] = []
        column = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("liste_factures_ecrites")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            5, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemActivated.connect(lambda _item: self.open_selected())
        column.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("&Ouvrir")
        self.open_button.clicked.connect(self.open_selected)
        self.credit_button = QPushButton("Créer un &avoir…")
        self.credit_button.setObjectName("creer_avoir")
        self.credit_button.clicked.connect(self.credit_selected)
        self.save_button = QPushButton("&Enregistrer le PDF…")
        self.save_button.setObjectName("enregistrer_pdf")
        self.save_button.setToolTip("Une copie du PDF émis, à l'identique, où vous voulez")
        self.save_button.clicked.connect(self.save_selected)
        self.deposit_button = QPushButton("&Déposer sur Chorus Pro")
        self.deposit_button.setObjectName("deposer_chorus")
        self.deposit_button.setToolTip(
            "Une structure publique : Chorus Pro ; une entreprise : votre plateforme agréée"
        )
        self.deposit_button.clicked.connect(self.deposit_selected)
        self.paid_button = QPushButton("Déclarer en&caissée…")
        self.paid_button.setObjectName("declarer_encaissee")
        self.paid_button.setToolTip(
            "L'argent est arrivé : le statut « Encaissée » part à la plateforme du client"
        )
        self.paid_button.clicked.connect(self.paid_selected)
        close = QPushButton("Fermer")
        close.clicked.connect(self.close)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.credit_button)
        buttons.addWidget(self.deposit_button)
        buttons.addWidget(self.paid_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        column.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.rows = self.services.invoicing.rows()
        except BordereauError as exc:
            self.status.setText(exc.message)
            self.rows = []
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            kind = "Avoir" if row.document_type == "381" else "Facture"
            values = (
                row.number or "(brouillon)",
                kind,
                row.customer_name,
                format_eur(row.total_ttc),
                row.issued_at.astimezone().strftime("%d/%m/%Y") if row.issued_at else "",
                sent_label(row),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(index, column, item)
        if not self.rows:
            self.status.setText(
                "Aucune facture écrite pour l'instant : Déposer › « Saisir une facture… »."
            )
        self._selection_changed()

    def selected(self) -> WrittenRow | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _selection_changed(self) -> None:
        row = self.selected()
        self.open_button.setEnabled(row is not None)
        self.open_button.setText("Re&prendre" if row and row.status == "draft" else "&Ouvrir")
        self.credit_button.setEnabled(
            row is not None and row.status == "issued" and row.document_type == "380"
        )
        self.save_button.setEnabled(row is not None and row.status == "issued")
        issued = row is not None and row.status == "issued"
        self.deposit_button.setEnabled(issued and row is not None and not row.deposited)
        company = row is not None and not row.public
        self.deposit_button.setText(
            "En&voyer à la plateforme agréée" if company else "&Déposer sur Chorus Pro"
        )
        self.paid_button.setVisible(company)
        lifecycle = lifecycle_of(row.sent_status or "") if row is not None else None
        self.paid_button.setEnabled(lifecycle is not None and lifecycle.code not in FINAL_CODES)

    def deposit_selected(self) -> QMessageBox | None:
        """An issued invoice or credit note where its customer receives — Chorus Pro for a
        public structure, the Plateforme Agréée for a company — after saying where it goes."""
        from ui.questions import ask_to_confirm

        row = self.selected()
        if row is None or row.number is None:
            return None
        number = row.number
        where = "Chorus Pro" if row.public else "votre plateforme agréée"
        self.send_question = ask_to_confirm(
            self,
            name="confirmer_envoi",
            title="Envoyer la facture",
            text=f"Envoyer {number} à {row.customer_name} par {where} ? Une facture envoyée "
            "ne se reprend pas : elle se corrige par un avoir.",
            confirm="Envoyer",
            on_confirm=lambda: self.send(number, where),
        )
        return self.send_question

    def send(self, number: str, where: str) -> Worker:
        """The invoice through the exactly-once outbox, in the background."""
        self.deposit_button.setEnabled(False)
        self.status.setText(f"Envoi de {number} à {where}…")
        worker = Worker(lambda progress: self.services.invoicing.send(number, progress))
        worker.signals.progress.connect(self.status.setText)
        worker.signals.succeeded.connect(lambda outcome: self._deposited(number, outcome))
        worker.signals.failed.connect(self._deposit_failed)
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _deposited(self, number: str, outcome: object) -> None:
        state = getattr(outcome, "state", "")
        message = getattr(outcome, "message", "")
        where = "la plateforme agréée" if getattr(outcome, "channel", "") == "pa" else "Chorus Pro"
        if state == "done":
            self.status.setText(f"{number} envoyée à {where} : suivez-la dans Rechercher.")
        elif state == "waiting":
            self.status.setText(f"{number} part dès que {where} répond. {message}")
        else:
            self.status.setText(f"{where} n'a pas pris {number} : {message}")
        self.refresh()

    def paid_selected(self) -> Worker | None:
        """« Déclarer encaissée… »: the date the money arrived, then « Encaissée » to the
        customer's platform (the administration needs it for services)."""
        row = self.selected()
        if row is None or row.number is None:
            return None
        paid_on = ask_payment_date(self, row.number, format_eur(row.total_ttc))
        if paid_on is None:
            return None
        number = row.number
        self.paid_button.setEnabled(False)
        self.status.setText(f"Encaissement de {number} : envoi du statut…")
        worker = Worker(
            lambda progress: self.services.platform.record_paid(number, paid_on, progress)
        )
        worker.signals.progress.connect(self.status.setText)
        worker.signals.succeeded.connect(self._paid)
        worker.signals.failed.connect(self._deposit_failed)
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _paid(self, result: object) -> None:
        self.status.setText(str(getattr(result, "message", "")))
        self.refresh()

    def _deposit_failed(self, error: object) -> None:
        message = error.message if isinstance(error, BordereauError) else str(error)
        self.status.setText(message)
        self._selection_changed()

    def save_selected(self) -> None:
        """« Enregistrer le PDF… »: the issued bytes, where the user chooses."""

        row = self.selected()
        if row is None or row.number is None:
            return
        try:
            issued = self.services.invoicing.issued(row.number)
        except BordereauError as exc:
            QMessageBox.warning(self, exc.title, exc.message)
            return
        target = file_dialogs.save_file(
            self,
            "Enregistrer le PDF",
            self.services.invoicing.pdf_name(issued),
            "PDF (*.pdf)",
            "factures",
        )
        if target and save_issued_pdf(self, issued, target):
            self.services.invoicing.note_exported(issued)
            self.status.setText(f"{row.number} enregistrée dans {target}.")

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.status == "draft":
            self.open_draft(row.id)
            return
        if row.number is None:
            return
        try:
            issued = self.services.invoicing.issued(row.number)
            folder = Path(tempfile.mkdtemp(prefix="bordereau-facture-"))
            path = self.services.invoicing.write_pdf(issued, folder)
        except (BordereauError, OSError) as exc:
            QMessageBox.warning(self, "PDF", getattr(exc, "message", str(exc)))
            return
        self.open_paths([path])

    def credit_selected(self) -> None:
        """« Créer un avoir… »: the invoice's lines, all ticked; a quantity or an amount can be
        lowered per line, the total follows."""
        from ui.dialogs.credit_dialog import CreditNoteDialog

        row = self.selected()
        if row is None or row.number is None:
            return
        issued = self.services.invoicing.issued(row.number)
        box = CreditNoteDialog(issued.invoice, self)
        box.chosen.connect(lambda parts: self._credit(str(row.number), parts))
        self.credit_dialog = box
        box.open()

    def _credit(self, number: str, parts: list[CreditPart] | None = None) -> None:
        try:
            credit = self.services.invoicing.credit_note(number, parts=parts)
        except BordereauError as exc:
            QMessageBox.warning(self, "Avoir non émis", exc.message)
            return
        where = self._copy_for_the_user(credit)
        self.status.setText(
            f"Avoir {credit.invoice.number} émis pour la facture {number}{where}"
            + (
                " Déposez-le sur Chorus Pro : « Déposer sur Chorus Pro »."
                if credit.invoice.customer.kind.value == "public"
                else " Envoyez-le au client : « Envoyer à la plateforme agréée »."
            )
        )
        self.refresh()
        self._select_number(str(credit.invoice.number))

    def _copy_for_the_user(self, issued: IssuedInvoice) -> str:
        """The issued PDF in Documents/Bordereau/Factures, as the editor writes invoices."""
        from PySide6.QtCore import QStandardPaths

        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        folder = Path(documents or Path.home()) / "Bordereau" / "Factures"
        try:
            path = self.services.invoicing.write_pdf(issued, folder)
        except BordereauError as exc:
            return f". {exc.message}"
        return f", enregistré dans {path.parent}."

    def _select_number(self, number: str) -> None:
        for index, row in enumerate(self.rows):
            if row.number == number:
                self.table.setCurrentCell(index, 0)
                return


def sent_label(row: WrittenRow) -> str:
    """Where the invoice went and, once the platform said, its status."""
    from app.domain.statuses import status_label

    if not row.deposited:
        return ""
    if row.sent_status and row.sent_status.startswith("PA_"):
        return f"Plateforme : {status_label(row.sent_status)}"
    return "Chorus Pro : " + (status_label(row.sent_status) if row.sent_status else "déposée")


def ask_payment_date(parent: QWidget, number: str, amount: str) -> date | None:
    """The day the money arrived (today by default, never in the future), or None."""
    return ask_day(
        parent,
        name="date_encaissement",
        title=f"Encaissement de la facture {number}",
        text=f"Le paiement de {amount} est arrivé sur votre compte ? Bordereau envoie le "
        "statut « Encaissée » à la plateforme du client ; il ne se reprend pas.",
        label="&Reçu le",
        confirm="Déclarer encaissée",
    )


def save_issued_pdf(parent: QWidget, issued: IssuedInvoice, target: Path) -> bool:
    """The issued PDF at ``target``, chosen in a save dialog (which asked before replacing a
    file); said in French when it cannot be written."""
    from app.files import write_atomically
    from app.invoicing.export import os_reason

    try:
        write_atomically(target, issued.pdf)
    except OSError as exc:
        QMessageBox.warning(
            parent,
            "PDF non enregistré",
            f"Le PDF de {issued.invoice.number} n'a pas pu être écrit dans {target.parent} "
            f"({os_reason(exc)}). Choisissez un autre dossier.",
        )
        return False
    return True
