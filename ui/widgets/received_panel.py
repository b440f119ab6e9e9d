"""« Reçues » in Rechercher: the suppliers' invoices that came through the Plateforme Agréée —
filtered, opened (the readable page and what the checks found), answered (each answer asked
first, then sent in the background), and the year exported for the accountant."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_amount
from app.receiving.service import ReceivedService
from ui import file_dialogs
from ui.dialogs.received_dialog import ReceivedInvoiceDialog, ask_paid_date, ask_reason
from ui.questions import ask_to_confirm
from ui.workers import Worker, WorkerPool, error_text

COLUMNS = ("Reçue le", "Fournisseur", "Numéro", "Date", "Échéance", "Net à payer", "Statut",
           "À vérifier")  # fmt: skip
TO_ANSWER = ("PA_202", "PA_203", "PA_204")
FILTERS = (
    ("Toutes", None),
    ("À traiter (sans réponse)", TO_ANSWER),
    ("À payer (approuvées)", ("PA_205",)),
    ("En litige", ("PA_207",)),
    ("Refusées", ("PA_210",)),
    ("Payées", ("PA_211",)),
)
ALERT_COLOUR = QColor("#b00020")
SHORT_ALERTS = {
    "DOUBLON": "⚠ Doublon d'une facture déjà reçue : ne pas payer deux fois",
    "IBAN-CHANGE": "⚠ Coordonnées bancaires changées : appelez le fournisseur",
}


def _day(text: str | None) -> str:
    return date.fromisoformat(text).strftime("%d/%m/%Y") if text else ""


def amount_text(row: dict[str, Any]) -> str:
    amount = row.get("net_a_payer") or row.get("total_ttc")
    if amount is None:
        return "—"
    currency = row.get("devise") or "EUR"
    return f"{format_amount(Decimal(amount))} {'€' if currency == 'EUR' else currency}"


class ReceivedPanel(QWidget):
    status_message = Signal(str)
    changed = Signal()

    def __init__(
        self,
        received: ReceivedService,
        parent: QWidget | None = None,
        *,
        open_paths: Callable[[list[Path]], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("factures_recues")
        self.received = received
        self.open_paths = open_paths
        self.workers = WorkerPool()
        self.rows: list[dict[str, Any]] = []
        self.dialog: ReceivedInvoiceDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("recherche_recues")
        self.search.setPlaceholderText("Fournisseur, numéro…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._fill)
        self.filter = QComboBox()
        self.filter.setObjectName("filtre_recues")
        for label, statuses in FILTERS:
            self.filter.addItem(label, statuses)
        self.filter.currentIndexChanged.connect(self._fill)
        shown = QLabel("A&fficher")
        shown.setBuddy(self.filter)
        bar.addWidget(self.search, 2)
        bar.addWidget(shown)
        bar.addWidget(self.filter, 1)
        self.fetch_button = QPushButton("Re&lever les factures reçues")
        self.fetch_button.setObjectName("relever_recues")
        self.fetch_button.setToolTip("Demander à la plateforme agréée ce qui est arrivé")
        self.fetch_button.clicked.connect(self.fetch)
        bar.addWidget(self.fetch_button)
        layout.addLayout(bar)
        self.summary = QLabel()
        self.summary.setObjectName("resume_recues")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("table_recues")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _index: self.open_selected())  # Enter, double click
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.open_button = QPushButton("&Ouvrir")
        self.open_button.setObjectName("ouvrir_recue")
        self.open_button.clicked.connect(self.open_selected)
        self.export_button = QPushButton("E&xporter l'année pour le comptable…")
        self.export_button.setObjectName("exporter_recues")
        self.export_button.clicked.connect(self.export_year)
        self.progress = QLabel()
        self.progress.setObjectName("progression_recues")
        actions.addWidget(self.open_button)
        actions.addWidget(self.progress, 1)
        actions.addWidget(self.export_button)
        layout.addLayout(actions)
        self._selection_changed()

    # --- the list ------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            self.rows = self.received.rows()
        except Exception as exc:  # the database said why: shown, the list stays as it was
            self.status_message.emit(f"Factures reçues illisibles : {error_text(exc)}")
            return
        self._fill()

    def _visible(self) -> list[dict[str, Any]]:
        statuses = self.filter.currentData()
        needle = self.search.text().strip().lower()
        return [
            row
            for row in self.rows
            if (statuses is None or row["statut"] in statuses)
            and (
                not needle
                or needle in (row["fournisseur"] or "").lower()
                or needle in (row["numero"] or "").lower()
            )
        ]

    def _fill(self) -> None:
        shown = self._visible()
        self.table.setRowCount(len(shown))
        for index, row in enumerate(shown):
            problems = [SHORT_ALERTS.get(item["code"], item["message"]) for item in row["alertes"]]
            if not problems and not row["lisible"]:
                problems = ["illisible"]
            elif not problems and row["nb_problemes"]:
                problems = [f"{row['nb_problemes']} point(s) à vérifier"]
            values = (
                _day(row["recue_le"][:10]),
                row["fournisseur"] or "?",
                row["numero"] or "?",
                _day(row["date"]),
                _day(row["echeance"]),
                amount_text(row),
                row["libelle"],
                " ; ".join(problems),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, row["id"])
                if column == 5:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == 7 and row["alertes"]:
                    item.setForeground(QBrush(ALERT_COLOUR))
                    item.setToolTip(row["alertes"][0]["message"])
                self.table.setItem(index, column, item)
        to_answer = sum(1 for row in self.rows if row["statut"] in TO_ANSWER)
        to_pay = sum(1 for row in self.rows if row["statut"] == "PA_205")
        alerts = sum(1 for row in self.rows if row["alertes"])
        if not self.rows:
            self.summary.setText(
                "Aucune facture reçue pour l'instant. Les factures de vos fournisseurs arrivent "
                "par votre plateforme agréée : « Relever les factures reçues »."
            )
        else:
            said = f"{len(self.rows)} facture(s) reçue(s) : {to_answer} à traiter, {to_pay} à payer"
            if alerts:
                said += f" — {alerts} alerte(s) à lire avant de payer"
            self.summary.setText(said)
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.open_button.setEnabled(self.selected_id() is not None)

    def selected_id(self) -> int | None:
        items = self.table.selectedItems()
        return int(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def select(self, received_id: int) -> None:
        for index in range(self.table.rowCount()):
            item = self.table.item(index, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == received_id:
                self.table.selectRow(index)
                return

    # --- fetching --------------------------------------------------------------------------

    def fetch(self) -> Worker:
        self.fetch_button.setEnabled(False)
        self.progress.setText("Relève des factures reçues…")
        worker = Worker(lambda progress: self.received.fetch(progress))
        worker.signals.progress.connect(self.progress.setText)
        worker.signals.succeeded.connect(self._fetched)
        worker.signals.failed.connect(
            lambda error: self._said(f"Plateforme agréée injoignable : {error_text(error)}")
        )
        worker.signals.done.connect(lambda: self.fetch_button.setEnabled(True))
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _fetched(self, report: Any) -> None:
        count = len(report.new)
        self._said(
            f"{count} nouvelle(s) facture(s) reçue(s)." if count else "Aucune nouvelle facture."
        )
        self.refresh()
        self.changed.emit()

    def _said(self, text: str) -> None:
        self.progress.setText(text)
        self.status_message.emit(text)

    # --- one invoice ---------------------------------------------------------------------

    def open_selected(self) -> ReceivedInvoiceDialog | None:
        received_id = self.selected_id()
        if received_id is None:
            return None
        return self.open_invoice(received_id)

    def open_invoice(self, received_id: int) -> ReceivedInvoiceDialog | None:
        try:
            detail = self.received.detail(received_id)
        except Exception as exc:  # a damaged original: said, nothing opened
            self._said(error_text(exc))
            return None
        if self.dialog is not None:
            self.dialog.close()
        dialog = ReceivedInvoiceDialog(detail, self)
        dialog.answer_requested.connect(lambda action: self.answer(received_id, action))
        dialog.pdf_requested.connect(lambda: self._show_pdf(received_id))
        dialog.original_requested.connect(lambda: self.save_original(received_id))
        self.dialog = dialog
        dialog.open()
        return dialog

    def answer(self, received_id: int, action: str) -> None:
        row = next((row for row in self.rows if row["id"] == received_id), None)
        number = (row or {}).get("numero") or str(received_id)
        parent = self.dialog or self
        if action in ("refuse", "dispute"):
            chosen = ask_reason(parent, action, number)
            if chosen is not None:
                self._send(received_id, action, reason=chosen[0], comment=chosen[1] or None)
            return
        if action == "paid":
            day = ask_paid_date(parent, number, amount_text(row or {}))
            if day is not None:
                self._send(received_id, action, paid_on=day)
            return
        ask_to_confirm(
            parent,
            name="confirmer_approbation",
            title=f"Approuver la facture {number}",
            text=(
                f"Approuver la facture {number} de {(row or {}).get('fournisseur')} ? Le "
                "fournisseur en est averti par sa plateforme ; cela ne se reprend pas."
            ),
            confirm="Approuver",
            on_confirm=lambda: self._send(received_id, action),
        )

    def _send(
        self,
        received_id: int,
        action: str,
        *,
        reason: str | None = None,
        comment: str | None = None,
        paid_on: date | None = None,
    ) -> Worker:
        self.progress.setText("Envoi de la réponse…")
        worker = Worker(
            lambda progress: self.received.answer(
                received_id,
                action,
                reason=reason,
                comment=comment,
                paid_on=paid_on,
                progress=progress,
            )
        )
        worker.signals.progress.connect(self.progress.setText)
        worker.signals.succeeded.connect(lambda sent: self._answered(received_id, sent))
        worker.signals.failed.connect(lambda error: self._said(error_text(error)))
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _answered(self, received_id: int, sent: Any) -> None:
        self._said(sent.message)
        self.refresh()
        self.select(received_id)
        self.changed.emit()
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.close()
            self.open_invoice(received_id)

    def _show_pdf(self, received_id: int) -> None:
        name, content = self.received.original(received_id)
        folder = self.received.context.paths.cache_dir / "recues"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / Path(name).name
        target.write_bytes(content)
        if self.open_paths is not None:
            self.open_paths([target])

    def save_original(self, received_id: int) -> Path | None:
        name, content = self.received.original(received_id)
        target = file_dialogs.save_file(
            self.dialog or self,
            "Enregistrer le fichier d'origine",
            Path(name).name,
            "Facture (*.pdf *.xml);;Tous les fichiers (*)",
            "recues",
        )
        if target is None:
            return None
        try:
            target.write_bytes(content)
        except OSError as exc:
            self._said(f"Impossible d'écrire {target} : {exc.strerror or exc}")
            return None
        self._said(f"Fichier d'origine enregistré : {target}")
        return target

    # --- the year, for the accountant ------------------------------------------------------

    def export_year(self) -> None:
        years = sorted({int(row["date"][:4]) for row in self.rows if row["date"]}, reverse=True)
        if not years:
            self._said("Aucune facture reçue à exporter.")
            return
        year, accepted = QInputDialog.getItem(
            self,
            "Exporter les factures reçues",
            "&Année :",
            [str(item) for item in years],
            0,
            False,
        )
        if not accepted:
            return
        folder = file_dialogs.choose_folder(self, "Dossier de l'export", "exports")
        if folder:
            self.export_to(int(year), folder)

    def export_to(self, year: int, folder: Path) -> Worker:
        self.progress.setText(f"Export {year}…")
        worker = Worker(lambda _progress: self.received.export(year, folder))
        worker.signals.succeeded.connect(self._exported)
        worker.signals.failed.connect(lambda error: self._said(error_text(error)))
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _exported(self, result: Any) -> None:
        self._said(
            f"{result.invoices} facture(s) exportée(s) : {result.xlsx.name}, {result.csv.name} "
            f"et les fichiers d'origine dans {result.originals.name}."
        )
        if self.open_paths is not None:
            self.open_paths([result.xlsx])
