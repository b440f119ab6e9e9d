"""Sollicitations: support requests prepared for the Chorus Pro portal, and their follow-up.

The list on the left (the portal's three views and a keyword search), the request on the
right: the portal's form, where it stands on the portal, and its activity. Edits are saved as
they are typed; nothing waits for an « Enregistrer »."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.text import french_date
from app.errors import BordereauError
from app.files import file_name_for
from app.settings import Settings
from app.tickets.catalogue import CATEGORIES, OBJECT_TYPES, TicketStatus, TicketView
from app.tickets.service import TicketService
from app.tickets.store import TicketRecord, TicketRow
from app.tickets.templates import TicketDraft
from ui import file_dialogs
from ui.widgets.empty_state import EmptyState

TABLE_HEADERS = ("N° portail", "Titre", "Objet", "Statut", "Mise à jour")
SAVE_DELAY_MS = 600


def _editable_combo(name: str, items: tuple[str, ...] | list[str]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(list(items))
    return combo


def _line(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    return edit


class SollicitationsWindow(QWidget):
    tickets_changed = Signal()

    def __init__(
        self, tickets: TicketService, preferences: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.tickets, self.preferences = tickets, preferences
        self.setObjectName("sollicitations_window")
        self.setWindowTitle("Sollicitations — Bordereau")
        self.resize(1240, 720)
        self.current_id: int | None = None
        self.record: TicketRecord | None = None
        self.rows: list[TicketRow] = []
        self._loading = False
        self._dirty = False  # typed and not yet written
        self.save_timer = QTimer(self)
        self.save_timer.setSingleShot(True)
        self.save_timer.setInterval(SAVE_DELAY_MS)
        self.save_timer.timeout.connect(self.save_form)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(200)
        self.search_timer.timeout.connect(self.reload)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(self._build_top_bar())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_list())
        splitter.addWidget(self._build_editor())
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        splitter.setSizes([520, 700])
        layout.addWidget(splitter, 1)
        self.status_label = QLabel("")
        self.status_label.setObjectName("etat_sollicitations")
        layout.addWidget(self.status_label)
        for keys, slot in (
            ("Ctrl+F", lambda: self.search_edit.setFocus()),
            ("Ctrl+N", self.new_ticket),
            ("Ctrl+Shift+C", self.copy_for_portal),
            ("Ctrl+W", self.close),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        self.reload()

    # --- building -----------------------------------------------------------------------

    def _build_top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        title = QLabel("Sollicitations")
        title.setObjectName("titre_synthese")
        bar.addWidget(title)
        self.view_group = QButtonGroup(self)
        self.view_group.setExclusive(True)
        self.view_buttons: dict[TicketView, QPushButton] = {}
        for view in TicketView:
            button = QPushButton(view.label)
            button.setObjectName(f"vue_{view.value}")
            button.setProperty("chip", True)
            button.setCheckable(True)
            self.view_group.addButton(button)
            button.toggled.connect(self._view_toggled)
            self.view_buttons[view] = button
            bar.addWidget(button)
        default = self.view_buttons[TicketView.NOT_CLOSED]
        default.blockSignals(True)  # the list is loaded once everything is built
        default.setChecked(True)
        default.blockSignals(False)
        bar.addSpacing(12)
        self.search_edit = _line("recherche_sollicitations", "Rechercher (n°, titre, facture…)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(lambda _t: self.search_timer.start())
        bar.addWidget(self.search_edit, 1)
        self.new_button = QPushButton("&Nouvelle sollicitation")
        self.new_button.setObjectName("nouvelle_sollicitation")
        self.new_button.clicked.connect(self.new_ticket)
        bar.addWidget(self.new_button)
        self.csv_button = QPushButton("Exporter la liste…")
        self.csv_button.setObjectName("exporter_sollicitations")
        self.csv_button.clicked.connect(self.choose_csv_target)
        bar.addWidget(self.csv_button)
        return bar

    def _build_list(self) -> QWidget:
        self.list_stack = QStackedWidget()
        self.table = QTableWidget(0, len(TABLE_HEADERS))
        self.table.setObjectName("liste_sollicitations")
        self.table.setHorizontalHeaderLabels(list(TABLE_HEADERS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        for column, width in {0: 112, 2: 84, 3: 104, 4: 84}.items():
            self.table.setColumnWidth(column, width)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.empty_state = EmptyState(
            "Aucune sollicitation",
            "Quand une facture est payée en retard, suspendue ou rejetée, préparez ici la "
            "sollicitation à déposer sur le portail Chorus Pro : depuis la Synthèse, Rechercher "
            "ou le Tableau de bord, Bordereau l'écrit avec les dates et les montants exacts.",
            action_text="Nouvelle sollicitation",
        )
        assert self.empty_state.action_button is not None
        self.empty_state.action_button.clicked.connect(self.new_ticket)
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty_state)
        return self.list_stack

    def _build_editor(self) -> QWidget:
        self.editor_stack = QStackedWidget()
        hint = QLabel("Choisissez une sollicitation dans la liste, ou créez-en une.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        self.editor_stack.addWidget(hint)

        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(4, 0, 4, 0)
        column.addWidget(self._build_tracking())
        column.addWidget(self._build_form())
        column.addWidget(self._build_activity())
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(editor)
        scroll.setObjectName("editeur_sollicitation")

        panel = QWidget()
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(0, 0, 0, 0)
        panel_layout.addWidget(scroll, 1)
        panel_layout.addLayout(self._build_actions())
        self.editor_stack.addWidget(panel)
        return self.editor_stack

    def _build_tracking(self) -> QGroupBox:
        box = QGroupBox("Sur le portail")
        row = QHBoxLayout(box)
        self.portal_edit = _line("numero_portail", "CPROCS… (une fois créée sur le portail)")
        self.portal_edit.editingFinished.connect(self.save_tracking)
        number_label = QLabel("N° de &sollicitation :")
        number_label.setBuddy(self.portal_edit)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statut_sollicitation")
        for status in TicketStatus:
            self.status_combo.addItem(status.label, status.value)
        self.status_combo.activated.connect(lambda _i: self.save_tracking())
        status_label = QLabel("S&tatut :")
        status_label.setBuddy(self.status_combo)
        row.addWidget(number_label)
        row.addWidget(self.portal_edit, 1)
        row.addWidget(status_label)
        row.addWidget(self.status_combo)
        return box

    def _build_form(self) -> QGroupBox:
        box = QGroupBox("Formulaire du portail")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.category_combo = _editable_combo("categorie", list(CATEGORIES))
        self.category_combo.currentTextChanged.connect(self._category_changed)
        self.subcategory_combo = _editable_combo(
            "sous_categorie", CATEGORIES[next(iter(CATEGORIES))]
        )
        self.object_type_combo = _editable_combo("type_objet", OBJECT_TYPES)
        self.object_number_edit = _line("numero_objet", "numéro de la facture")
        self.supplier_siret_edit = _line("siret_emetteur", "SIRET")
        self.supplier_name_edit = _line("raison_sociale_emetteur", "raison sociale")
        self.supplier_service_edit = _line("service_emetteur", "facultatif")
        self.recipient_siret_edit = _line("siret_destinataire", "SIRET")
        self.recipient_name_edit = _line("raison_sociale_destinataire", "raison sociale")
        self.title_edit = _line("titre_sollicitation", "en une phrase")
        self.title_edit.setMaxLength(200)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setObjectName("description_sollicitation")
        self.description_edit.setMinimumHeight(260)
        self.description_edit.setTabChangesFocus(True)

        def pair(first: QLineEdit, second: QLineEdit) -> QHBoxLayout:
            first.setMaximumWidth(150)
            row = QHBoxLayout()
            row.addWidget(first)
            row.addWidget(second, 1)
            return row

        object_row = QHBoxLayout()
        object_row.addWidget(self.object_type_combo)
        object_row.addWidget(QLabel("N° :"))
        object_row.addWidget(self.object_number_edit, 1)
        form.addRow("&Catégorie :", self.category_combo)
        form.addRow("Sous-catégorie :", self.subcategory_combo)
        form.addRow("Type d'objet :", object_row)
        form.addRow(
            "Structure émettrice :", pair(self.supplier_siret_edit, self.supplier_name_edit)
        )
        form.addRow("Service émetteur :", self.supplier_service_edit)
        form.addRow("Destinataire :", pair(self.recipient_siret_edit, self.recipient_name_edit))
        form.addRow("&Titre :", self.title_edit)
        form.addRow("&Description :", self.description_edit)
        form.addRow("Pièces jointes :", self._build_files())
        for edit in (
            self.object_number_edit,
            self.supplier_siret_edit,
            self.supplier_name_edit,
            self.supplier_service_edit,
            self.recipient_siret_edit,
            self.recipient_name_edit,
            self.title_edit,
        ):
            edit.textEdited.connect(self._form_edited)
        for combo in (self.category_combo, self.subcategory_combo, self.object_type_combo):
            combo.currentTextChanged.connect(self._form_edited)
        self.description_edit.textChanged.connect(self._form_edited)
        return box

    def _build_files(self) -> QWidget:
        widget = QWidget()
        row = QHBoxLayout(widget)
        row.setContentsMargins(0, 0, 0, 0)
        self.files_list = QListWidget()
        self.files_list.setObjectName("pieces_sollicitation")
        self.files_list.setMaximumHeight(76)
        self.files_list.itemActivated.connect(self._open_file)
        buttons = QVBoxLayout()
        add = QPushButton("Ajouter…")
        add.setObjectName("ajouter_piece")
        add.clicked.connect(self.choose_files)
        self.remove_file_button = QPushButton("Retirer")
        self.remove_file_button.setObjectName("retirer_piece")
        self.remove_file_button.clicked.connect(self.remove_selected_file)
        buttons.addWidget(add)
        buttons.addWidget(self.remove_file_button)
        buttons.addStretch(1)
        row.addWidget(self.files_list, 1)
        row.addLayout(buttons)
        return widget

    def _build_activity(self) -> QGroupBox:
        box = QGroupBox("Activité")
        column = QVBoxLayout(box)
        self.notes_list = QListWidget()
        self.notes_list.setObjectName("activite_sollicitation")
        self.notes_list.setWordWrap(True)
        self.notes_list.setMinimumHeight(90)
        column.addWidget(self.notes_list)
        row = QHBoxLayout()
        self.note_edit = _line(
            "nouvelle_note", "Ce que le service a répondu, ce que vous avez fait…"
        )
        self.note_edit.returnPressed.connect(self.add_note)
        add = QPushButton("Ajouter la &note")
        add.setObjectName("ajouter_note")
        add.clicked.connect(self.add_note)
        row.addWidget(self.note_edit, 1)
        row.addWidget(add)
        column.addLayout(row)
        return box

    def _build_actions(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.copy_button = QPushButton("&Copier pour le portail")
        self.copy_button.setObjectName("copier_pour_le_portail")
        self.copy_button.setToolTip("Copie les champs dans l'ordre du formulaire (Ctrl+Maj+C)")
        self.copy_button.clicked.connect(self.copy_for_portal)
        self.portal_button = QPushButton("Ouvrir le &portail")
        self.portal_button.setObjectName("ouvrir_portail")
        self.portal_button.clicked.connect(self.open_portal)
        self.pdf_button = QPushButton("Exporter en P&DF…")
        self.pdf_button.setObjectName("exporter_pdf")
        self.pdf_button.clicked.connect(self.choose_letter_target)
        self.delete_button = QPushButton("Supprimer…")
        self.delete_button.setObjectName("supprimer_sollicitation")
        self.delete_button.clicked.connect(self.confirm_delete)
        for button in (self.copy_button, self.portal_button, self.pdf_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.delete_button)
        return bar

    # --- the list -----------------------------------------------------------------------

    def _view_toggled(self, checked: bool) -> None:
        if checked:
            self.reload()

    def current_view(self) -> TicketView:
        return next(view for view, button in self.view_buttons.items() if button.isChecked())

    def show_view(self, view: TicketView) -> None:
        self.view_buttons[view].setChecked(True)

    def reload(self, select_id: int | None = None) -> None:
        self.save_form()
        wanted = select_id if select_id is not None else self.current_id
        counts = self.tickets.counts()
        for view, button in self.view_buttons.items():
            button.setText(f"{view.label} · {counts[view]}")
        self.rows = self.tickets.rows(self.current_view(), self.search_edit.text())
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            values = (
                row.portal_number or "—",
                row.title or "(sans titre)",
                row.object_number,
                row.status_label,
                french_date(row.updated_at),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(f"{row.title}\n{row.recipient_name}" if column == 1 else value)
                self.table.setItem(index, column, item)
        self.table.blockSignals(False)
        nothing_at_all = sum(counts.values()) == 0
        self.list_stack.setCurrentWidget(self.empty_state if nothing_at_all else self.table)
        ids = [row.id for row in self.rows]
        shown = wanted if wanted in ids else (ids[0] if ids else None)
        self.table.blockSignals(True)
        self.table.clearSelection()
        if shown is not None:
            self.table.selectRow(ids.index(shown))
        self.table.blockSignals(False)
        self.show_ticket(shown)

    def _selection_changed(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        if selected:
            self.save_form()
            self.show_ticket(self.rows[selected[0].row()].id)

    def select_ticket(self, ticket_id: int) -> None:
        """Show the ticket, in a view that lists it."""
        status = self.tickets.get(ticket_id).status
        if status not in self.current_view().statuses:
            view = next(v for v in TicketView if status in v.statuses)
            self.view_buttons[view].blockSignals(True)
            self.view_buttons[view].setChecked(True)
            self.view_buttons[view].blockSignals(False)
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.reload(ticket_id)

    # --- the request --------------------------------------------------------------------

    def show_ticket(self, ticket_id: int | None) -> None:
        self.current_id = ticket_id
        self.record = self.tickets.get(ticket_id) if ticket_id is not None else None
        self.editor_stack.setCurrentIndex(0 if self.record is None else 1)
        if self.record is None:
            return
        record = self.record
        draft = record.draft
        self._loading = True
        self.category_combo.setCurrentText(draft.category)
        self._category_changed(draft.category)
        self.subcategory_combo.setCurrentText(draft.subcategory)
        self.object_type_combo.setCurrentText(draft.object_type)
        self.object_number_edit.setText(draft.object_number)
        self.supplier_siret_edit.setText(draft.supplier_siret)
        self.supplier_name_edit.setText(draft.supplier_name)
        self.supplier_service_edit.setText(draft.supplier_service)
        self.recipient_siret_edit.setText(draft.recipient_siret)
        self.recipient_name_edit.setText(draft.recipient_name)
        self.title_edit.setText(draft.title)
        self.description_edit.setPlainText(draft.description)
        self.portal_edit.setText(record.portal_number)
        self.status_combo.setCurrentIndex(self.status_combo.findData(record.status.value))
        self._loading = False
        self._show_files(record)
        self._show_notes(record)

    def _show_files(self, record: TicketRecord) -> None:
        self.files_list.clear()
        for item in record.files:
            entry = QListWidgetItem(f"{item.file_name}  ({max(1, item.size // 1024)} Ko)")
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            self.files_list.addItem(entry)
        self.remove_file_button.setEnabled(bool(record.files))

    def _show_notes(self, record: TicketRecord) -> None:
        self.notes_list.clear()
        for note in reversed(record.notes):
            when = note.at.astimezone().strftime("%d/%m/%Y %H:%M")
            entry = QListWidgetItem(f"{when} — {note.text}")
            if note.kind == "status":
                font = entry.font()
                font.setItalic(True)
                entry.setFont(font)
            self.notes_list.addItem(entry)

    def _category_changed(self, category: str) -> None:
        current = self.subcategory_combo.currentText()
        self.subcategory_combo.blockSignals(True)
        self.subcategory_combo.clear()
        self.subcategory_combo.addItems(list(CATEGORIES.get(category, ())))
        self.subcategory_combo.setCurrentText(current)
        self.subcategory_combo.blockSignals(False)

    def _form_edited(self, *_args: object) -> None:
        if not self._loading and self.record is not None:
            self.status_label.setText("Modifications en cours…")
            self._dirty = True
            self.save_timer.start()

    def form_draft(self) -> TicketDraft:
        assert self.record is not None
        return replace(
            self.record.draft,
            category=self.category_combo.currentText(),
            subcategory=self.subcategory_combo.currentText(),
            object_type=self.object_type_combo.currentText(),
            object_number=self.object_number_edit.text(),
            supplier_siret=self.supplier_siret_edit.text(),
            supplier_name=self.supplier_name_edit.text(),
            supplier_service=self.supplier_service_edit.text(),
            recipient_siret=self.recipient_siret_edit.text(),
            recipient_name=self.recipient_name_edit.text(),
            title=self.title_edit.text(),
            description=self.description_edit.toPlainText(),
        )

    def save_form(self) -> None:
        """Write what is typed (called after a pause, on changing ticket and on closing)."""
        self.save_timer.stop()
        if not self._dirty or self.current_id is None or self.record is None:
            return
        self._dirty = False
        draft = self.form_draft()
        try:
            self.tickets.save(self.current_id, draft)
        except BordereauError as exc:
            self._dirty = True  # kept on screen; written on the next change or on closing
            self._error(exc.message)
            return
        self.record = replace(self.record, draft=draft)
        self.status_label.setText("Enregistré.")
        self._update_row_text(draft)

    def _update_row_text(self, draft: TicketDraft) -> None:
        ids = [row.id for row in self.rows]
        if self.current_id in ids:
            index = ids.index(self.current_id)
            for column, value in ((1, draft.title or "(sans titre)"), (2, draft.object_number)):
                item = self.table.item(index, column)
                if item is not None:
                    item.setText(value)

    def save_tracking(self) -> None:
        if self._loading or self.current_id is None:
            return
        self.save_form()
        status = TicketStatus(self.status_combo.currentData())
        try:
            self.tickets.track(self.current_id, self.portal_edit.text(), status)
        except BordereauError as exc:
            self._error(exc.message)
            return
        self.status_label.setText("Suivi enregistré.")
        self.select_ticket(self.current_id)
        self.tickets_changed.emit()

    def add_note(self) -> None:
        if self.current_id is None or not self.note_edit.text().strip():
            return
        self.tickets.add_note(self.current_id, self.note_edit.text())
        self.note_edit.clear()
        self.reload(self.current_id)

    def new_ticket(self) -> int | None:
        try:
            ticket_id = self.tickets.new()
        except BordereauError as exc:
            self._error(exc.message)
            return None
        self.select_ticket(ticket_id)
        self.title_edit.setFocus()
        self.tickets_changed.emit()
        return ticket_id

    # --- files --------------------------------------------------------------------------

    def choose_files(self) -> None:
        if self.current_id is None:
            return
        self.add_files(
            file_dialogs.open_files(self, "Joindre des fichiers", "Tous les fichiers (*)", "pieces")
        )

    def add_files(self, paths: list[Path]) -> None:
        if self.current_id is None:
            return
        for path in paths:
            try:
                self.tickets.add_file(self.current_id, path)
            except (BordereauError, OSError) as exc:
                message = exc.message if isinstance(exc, BordereauError) else str(exc)
                self._error(f"Impossible de joindre {path.name} : {message}")
        self.show_ticket(self.current_id)

    def remove_selected_file(self) -> None:
        item = self.files_list.currentItem()
        if item is None or self.current_id is None:
            return
        self.tickets.remove_file(self.current_id, item.data(Qt.ItemDataRole.UserRole))
        self.show_ticket(self.current_id)

    def _open_file(self, item: QListWidgetItem) -> None:
        if self.current_id is not None:
            path = self.tickets.file_path(self.current_id, item.data(Qt.ItemDataRole.UserRole))
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # --- out of Bordereau ---------------------------------------------------------------

    def copy_for_portal(self) -> None:
        if self.current_id is None:
            return
        self.save_form()
        QApplication.clipboard().setText(self.tickets.portal_text(self.current_id))
        self.status_label.setText(
            "Copié : collez les champs dans le formulaire de sollicitation du portail."
        )

    def open_portal(self) -> None:
        url = self.tickets.support_portal_url()
        QDesktopServices.openUrl(QUrl(url))
        self.status_label.setText(
            f"Portail ouvert ({url}) : Sollicitations › Créer une sollicitation."
        )

    def choose_letter_target(self) -> None:
        if self.record is None:
            return
        self.save_form()
        name = self.record.draft.object_number or f"sollicitation-{self.record.id}"
        target = file_dialogs.save_file(
            self,
            "Exporter en PDF",
            file_name_for(f"courrier-{name}", "pdf"),
            "PDF (*.pdf)",
            "exports",
        )
        if target:
            self.export_letter(Path(target))

    def export_letter(self, target: Path) -> Path | None:
        if self.current_id is None:
            return None
        self.save_form()
        try:
            written = self.tickets.export_letter(self.current_id, target)
        except (BordereauError, OSError) as exc:
            self._error(exc.message if isinstance(exc, BordereauError) else str(exc))
            return None
        self.status_label.setText(f"Courrier enregistré : {written}")
        return written

    def choose_csv_target(self) -> None:
        target = file_dialogs.save_file(
            self, "Exporter la liste", "sollicitations.csv", "CSV (*.csv)", "exports"
        )
        if target:
            self.export_csv(Path(target))

    def export_csv(self, target: Path) -> Path | None:
        try:
            written = self.tickets.export(self.rows, target)
        except OSError as exc:
            self._error(str(exc))
            return None
        self.status_label.setText(f"Liste exportée : {written}")
        return written

    def confirm_delete(self) -> None:
        if self.record is None:
            return
        record = self.record
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Supprimer la sollicitation",
            f"Supprimer « {record.draft.title or 'sans titre'} » et son activité ? "
            "Ce qui a été déposé sur le portail n'est pas touché.",
            parent=self,
        )
        box.setObjectName("question")
        accept = box.addButton("Supprimer", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(accept)
        accept.clicked.connect(lambda: self.delete_ticket(record.id))
        box.open()
        self.question = box

    def delete_ticket(self, ticket_id: int) -> None:
        self.save_timer.stop()
        self._dirty = False
        self.tickets.delete(ticket_id)
        self.current_id = None
        self.record = None
        self.reload()
        self.status_label.setText("Sollicitation supprimée.")
        self.tickets_changed.emit()

    def _error(self, message: str) -> None:
        self.last_error = message
        box = QMessageBox(QMessageBox.Icon.Warning, "Sollicitations", message, parent=self)
        box.setObjectName("erreur_sollicitation")
        box.open()
        self.error_box = box

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_form()
        super().closeEvent(event)
