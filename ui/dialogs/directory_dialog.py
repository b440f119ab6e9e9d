"""« Annuaire des structures publiques »: find the recipient, see what it requires, pick a
service. Searches run off the UI thread, so typing never stalls."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.directory.importer import ImportReport
from app.directory.rules import recipient_rules, structure_requirement
from app.directory.service import DirectoryService
from app.directory.store import Service, Structure
from ui import file_dialogs
from ui.workers import Worker, WorkerPool, error_text

TYPING_PAUSE_MS = 120


class _SearchSignals(QObject):
    found = Signal(int, object)  # generation, list[Structure]


class _Search(QRunnable):
    def __init__(self, directory: DirectoryService, generation: int, query: str) -> None:
        super().__init__()
        self.directory, self.generation, self.query = directory, generation, query
        self.signals = _SearchSignals()

    def run(self) -> None:
        try:
            found = self.directory.search(self.query, 30)
        except Exception:  # a broken index must not crash typing: show nothing
            found = []
        self.signals.found.emit(self.generation, found)


def structure_line(structure: Structure) -> str:
    badge = structure_requirement(structure.flags).badge
    state = "  [inactive]" if not structure.active else ""
    place = " ".join(part for part in (structure.postal_code, structure.city) if part)
    return f"{structure.name} — {place} — SIRET {structure.siret}  {badge}{state}".rstrip()


class DirectoryDialog(QDialog):
    """Emits :attr:`chosen` with the structure and the service code (or None)."""

    chosen = Signal(object, object)

    def __init__(self, directory: DirectoryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.directory = directory
        self.workers = WorkerPool()
        self._generation = 0
        self._structures: list[Structure] = []
        self._services: list[Service] = []
        self.setObjectName("annuaire_dialog")
        self.setWindowTitle("Annuaire des structures publiques")
        self.resize(860, 560)

        layout = QVBoxLayout(self)
        self.query = QLineEdit()
        self.query.setObjectName("annuaire_recherche")
        self.query.setPlaceholderText("Nom, ville, code postal ou SIRET de l'acheteur public")
        self.query.setClearButtonEnabled(True)
        layout.addWidget(self.query)
        self.status = QLabel()
        self.status.setObjectName("annuaire_etat")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.results = QListWidget()
        self.results.setObjectName("annuaire_resultats")
        self.results.setUniformItemSizes(True)
        splitter.addWidget(self.results)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(8, 0, 0, 0)
        self.requirement = QLabel("Choisissez une structure pour voir ce qu'elle exige.")
        self.requirement.setObjectName("annuaire_exigences")
        self.requirement.setWordWrap(True)
        detail_layout.addWidget(self.requirement)
        self.service_list = QListWidget()
        self.service_list.setObjectName("annuaire_services")
        self.service_list.setWordWrap(True)
        detail_layout.addWidget(self.service_list, 1)
        splitter.addWidget(detail)
        splitter.setSizes([520, 340])
        layout.addWidget(splitter, 1)

        bottom = QHBoxLayout()
        self.import_button = QPushButton("Importer l'export de l'annuaire…")
        self.import_button.setObjectName("annuaire_importer")
        bottom.addWidget(self.import_button)
        self.online_button = QPushButton("Chercher ce SIRET en ligne")
        self.online_button.setObjectName("annuaire_en_ligne")
        self.online_button.setVisible(False)
        bottom.addWidget(self.online_button)
        self.progress = QProgressBar()
        self.progress.setObjectName("annuaire_progression")
        self.progress.setVisible(False)
        bottom.addWidget(self.progress, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Choisir")
        ok.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self._start_search)
        self.query.textChanged.connect(lambda _text: self._timer.start())
        self.results.currentRowChanged.connect(self._show_structure)
        self.results.itemDoubleClicked.connect(lambda _item: self.accept())
        self.service_list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.import_button.clicked.connect(self._choose_export)
        self.online_button.clicked.connect(self._lookup_online)
        self._show_index_state()

    # --- search ------------------------------------------------------------------------------

    def _show_index_state(self) -> None:
        count = self.directory.count()
        if count == 0:
            self.status.setText(
                "L'annuaire n'est pas encore importé. Importez l'export publié par Chorus Pro "
                "(fichier XLSX), ou tapez un SIRET pour le chercher en ligne."
            )
        elif not self.directory.meta().get("imported_at"):
            self.status.setText(
                f"{count} structure{'s' if count > 1 else ''} d'exemple (démonstration ou "
                "consultées en ligne). Importez l'export publié par Chorus Pro pour l'annuaire "
                "complet."
            )
        else:
            imported = self.directory.meta()["imported_at"][:10]
            day = f"{imported[8:10]}/{imported[5:7]}/{imported[:4]}"
            shown = f"{count:,}".replace(",", "\u202f")
            plural = "s" if count > 1 else ""
            self.status.setText(
                f"{shown} structure{plural} dans l'annuaire local, importé le {day}."
            )

    def _start_search(self) -> None:
        self._generation += 1
        text = self.query.text().strip()
        digits = re.sub(r"\D", "", text)
        self.online_button.setVisible(len(digits) == 14 and digits == re.sub(r"\s", "", text))
        if not text:
            self._fill([])
            return
        search = _Search(self.directory, self._generation, text)
        search.signals.found.connect(self._on_found)
        QThreadPool.globalInstance().start(search)

    def _on_found(self, generation: int, found: list[Structure]) -> None:
        if generation == self._generation:  # answers to older keystrokes are dropped
            self._fill(found)

    def _fill(self, found: list[Structure]) -> None:
        self._structures = found
        self.results.clear()
        for structure in found:
            item = QListWidgetItem(structure_line(structure))
            if not structure.active:
                item.setForeground(Qt.GlobalColor.gray)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
        else:
            self._show_structure(-1)
            if self.query.text().strip():
                self.requirement.setText("Aucune structure ne correspond.")

    def _show_structure(self, row: int) -> None:
        self.service_list.clear()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if not 0 <= row < len(self._structures):
            self._services = []
            ok.setEnabled(False)
            return
        structure = self._structures[row]
        rules = recipient_rules(structure.flags)
        lines = [f"<b>{structure.name}</b>", rules.requirement.label + "."]
        lines += list(rules.problems) + list(rules.notes)
        if structure.source == "api" and structure.fetched_at:
            lines.append(f"Vérifié en ligne le {structure.fetched_at:%d/%m/%Y}.")
        self.requirement.setText("<br>".join(lines))
        self._services = self.directory.services(structure.siret, active_only=True)
        for service in self._services:
            suffix = " — numéro d'engagement obligatoire" if service.engagement_required else ""
            if service.code == "FACTURES_PUBLIQUES":
                suffix = " — réservé aux entités publiques"
            self.service_list.addItem(f"{service.code} — {service.label or ''}{suffix}")
        ok.setEnabled(rules.accepted)

    # --- choice ----------------------------------------------------------------------------------

    def selected(self) -> tuple[Structure | None, str | None]:
        row = self.results.currentRow()
        structure = self._structures[row] if 0 <= row < len(self._structures) else None
        service_row = self.service_list.currentRow()
        code = self._services[service_row].code if 0 <= service_row < len(self._services) else None
        return structure, None if code == "FACTURES_PUBLIQUES" else code

    def accept(self) -> None:
        structure, code = self.selected()
        if structure is None:
            return
        self.chosen.emit(structure, code)
        super().accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Down from the search field goes to the results, as in any search box.
        if event.key() == Qt.Key.Key_Down and self.query.hasFocus() and self.results.count():
            self.results.setFocus()
            return
        super().keyPressEvent(event)

    # --- import and online lookup ----------------------------------------------------------

    def _choose_export(self) -> None:
        path = file_dialogs.open_file(
            self, "Export de l'annuaire Chorus Pro", "Classeur Excel (*.xlsx)", "annuaire"
        )
        if path:
            self.start_import(path)

    def start_import(self, path: Path) -> Worker:
        self.import_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setValue(0)

        def run(progress: object) -> object:
            return self.directory.import_export(
                path,
                lambda fraction, message: worker.signals.progress.emit(f"{fraction:.3f}|{message}"),
            )

        worker = Worker(run)
        worker.signals.progress.connect(self._on_import_progress)
        worker.signals.succeeded.connect(self._on_imported)
        worker.signals.failed.connect(self._on_failed)
        worker.signals.done.connect(lambda: self.import_button.setEnabled(True))
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _on_import_progress(self, text: str) -> None:
        fraction, _sep, message = text.partition("|")
        self.progress.setValue(int(100 * float(fraction)))
        self.progress.setFormat(f"{message} — %p %")

    def _on_imported(self, report: object) -> None:
        self.progress.setVisible(False)
        self._show_index_state()
        if isinstance(report, ImportReport):
            self.status.setText(self.status.text() + " " + report.lines()[0])
        self._start_search()

    def _on_failed(self, error: object) -> None:
        self.progress.setVisible(False)
        self.status.setText(error_text(error))

    def _lookup_online(self) -> None:
        siret = re.sub(r"\D", "", self.query.text())
        self.online_button.setEnabled(False)
        self.status.setText("Recherche sur Chorus Pro…")
        worker = Worker(lambda _progress: self.directory.lookup_online(siret))
        worker.signals.succeeded.connect(self._on_online)
        worker.signals.failed.connect(self._on_failed)
        worker.signals.done.connect(lambda: self.online_button.setEnabled(True))
        self.workers.start(worker)

    def _on_online(self, found: object) -> None:
        if found is None:
            self.status.setText("Chorus Pro ne connaît pas ce SIRET comme structure publique.")
            return
        self._show_index_state()
        self._start_search()
