"""Fichier › « Restaurer une sauvegarde… »: the database's copies, newest first, with the last
invoice each holds; restoring keeps the database in place aside and takes back from the
archive every invoice issued since the copy. Also shown at start when the database is
missing, emptied, damaged or not the one this workstation issued into."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
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

from app.errors import BordereauError
from ui.workers import Worker, WorkerPool

if TYPE_CHECKING:
    from app.db.backups import Backup
    from app.invoicing.recovery import RestoreReport
    from app.services import Services

log = logging.getLogger(__name__)
COLUMNS = ("Prise le", "Dernière facture", "Taille", "Fichier")


class RestoreDialog(QDialog):
    def __init__(
        self, services: Services, parent: QWidget | None = None, *, reason: str | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("restaurer_sauvegarde")
        self.setWindowTitle("Restaurer une sauvegarde")
        self.resize(760, 420)
        self.workers = WorkerPool()
        self.report_text: str | None = None
        context = services.context
        column = QVBoxLayout(self)
        intro = QLabel(
            (f"{reason}\n\n" if reason else "")
            + "Bordereau copie votre base après chaque facture émise et chaque jour (les 30 "
            "derniers jours et les 12 derniers mois sont gardés). La base actuelle est gardée "
            "à part, et les factures émises depuis la sauvegarde choisie sont reprises de "
            "leurs archives."
        )
        intro.setWordWrap(True)
        column.addWidget(intro)
        self.folder_label = QLabel(f"Sauvegardes : {context.backups_dir}")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.folder_label)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("liste_sauvegardes")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        header = self.table.horizontalHeader()
        for index in range(3):
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemActivated.connect(lambda _item: self.restore_selected())
        column.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        buttons = QHBoxLayout()
        self.restore_button = QPushButton("&Restaurer la sauvegarde choisie…")
        self.restore_button.setObjectName("restaurer")
        self.restore_button.clicked.connect(self.restore_selected)
        self.archives_button = QPushButton("Reconstruire depuis les &archives…")
        self.archives_button.setObjectName("reconstruire_archives")
        self.archives_button.setToolTip(
            "Sans sauvegarde : les factures émises sont reprises de leurs archives"
        )
        self.archives_button.clicked.connect(lambda: self._confirm(None))
        self.folder_button = QPushButton("&Dossier des sauvegardes…")
        self.folder_button.setObjectName("dossier_sauvegardes")
        self.folder_button.setToolTip(
            "Ranger les sauvegardes ailleurs : un autre disque, un dossier synchronisé"
        )
        self.folder_button.clicked.connect(self.choose_folder)
        self.close_button = QPushButton("Fermer")
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.archives_button)
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        column.addLayout(buttons)
        self.backups: list[Backup] = []
        self.refresh()

    def refresh(self) -> None:
        if self.services.context.database_url.startswith("postgresql"):
            from app.db.backups import PG_DUMP_LINE

            self.status.setText(
                "Une base PostgreSQL partagée se sauvegarde et se restaure avec les outils du "
                f"bureau : {PG_DUMP_LINE}, puis pg_restore."
            )
            self.restore_button.setEnabled(False)
            self.archives_button.setEnabled(False)
            return
        self.backups = self.services.context.backups()
        self.table.setRowCount(len(self.backups))
        for index, backup in enumerate(self.backups):
            values = (
                backup.taken_at.astimezone().strftime("%d/%m/%Y %H:%M"),
                backup.last_invoice() or "aucune",
                f"{max(1, backup.size // 1024)} Ko",
                backup.path.name,
            )
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(value))
        if self.backups:
            self.table.selectRow(0)
            self.table.setFocus()
        else:
            self.status.setText(
                "Aucune sauvegarde pour l'instant. « Reconstruire depuis les archives » reprend "
                "les factures émises sans elles."
            )
        self.restore_button.setEnabled(bool(self.backups))

    def choose_folder(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        chosen = QFileDialog.getExistingDirectory(
            self, "Dossier des sauvegardes", str(self.services.context.backups_dir)
        )
        if not chosen:
            return
        try:
            self.services.context.set_backups_dir(Path(chosen))
        except BordereauError as exc:
            QMessageBox.warning(self, exc.title, exc.message)
            return
        self.folder_label.setText(f"Sauvegardes : {self.services.context.backups_dir}")
        self.refresh()

    def restore_selected(self) -> None:
        index = self.table.currentRow()
        if 0 <= index < len(self.backups):
            self._confirm(self.backups[index].path)

    def _confirm(self, backup: Path | None) -> None:
        what = "les factures émises depuis leurs archives (sans sauvegarde)"
        if backup is not None:
            taken = self.backups[self.table.currentRow()].taken_at.astimezone()
            what = f"la sauvegarde du {taken:%d/%m/%Y à %H:%M}"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Restaurer",
            f"Remettre en place {what} ? La base actuelle est gardée à part dans le dossier "
            "des sauvegardes.",
            parent=self,
        )
        go = box.addButton("Restaurer", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go)
        box.finished.connect(
            lambda _code: self.start_restore(backup) if box.clickedButton() is go else None
        )
        self.confirm_box = box
        box.open()

    def start_restore(self, backup: Path | None) -> Worker:
        for button in (self.restore_button, self.archives_button, self.close_button):
            button.setEnabled(False)
        self.status.setText("Restauration en cours…")
        worker = Worker(lambda _progress: self.services.context.restore_backup(backup))
        worker.signals.succeeded.connect(self._restored)
        worker.signals.failed.connect(self._failed)
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _restored(self, report: RestoreReport) -> None:
        self.report_text = report.message()
        log.info("%s", self.report_text)
        self.accept()

    def _failed(self, error: object) -> None:
        for button in (self.archives_button, self.close_button):
            button.setEnabled(True)
        self.restore_button.setEnabled(bool(self.backups))
        message = error.message if isinstance(error, BordereauError) else str(error)
        log.error("Restauration impossible : %s", message)
        self.status.setText(message)
        QMessageBox.warning(self, "Restauration impossible", message)
