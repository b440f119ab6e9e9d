"""Rechercher: find any invoice by number, recipient, period, amount or status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.cadres import SUBMITTABLE_CADRES
from app.domain.statuses import LOCAL_STATUS_LABELS, STATUS_INFO
from app.domain.text import counted
from app.files import file_name_for
from app.invoices.rows import Criteria, InvoiceRow, RecipientScope
from app.invoices.service import InvoiceService
from app.receiving.service import ReceivedService
from app.settings import Settings
from app.tickets.service import TicketService
from ui import file_dialogs
from ui.actions import tab_action, ticket_button
from ui.widgets.date_field import DateField
from ui.widgets.empty_state import EmptyState
from ui.widgets.invoice_table import COLUMNS, InvoiceTableModel, InvoiceTableView
from ui.widgets.money_edit import MoneyEdit
from ui.widgets.received_panel import ReceivedPanel
from ui.workers import Worker, WorkerPool, error_text

RESULT_COLUMNS = [
    COLUMNS[key]
    for key in (
        "type",
        "recipient",
        "service",
        "number",
        "issue_date",
        "deposit_date",
        "total_ht",
        "total_ttc",
        "status",
    )
]
FILTER_DELAY_MS = 200
NO_DATE = QDate(2000, 1, 1)


def _optional_date(edit: QDateEdit) -> date | None:
    value = edit.date()
    if value == edit.minimumDate():
        return None
    return date(value.year(), value.month(), value.day())


class RechercherTab(QWidget):
    follow_requested = Signal(int)
    view_requested = Signal(list)  # invoice ids to open
    duplicate_requested = Signal(int)
    status_message = Signal(str)
    ticket_requested = Signal(int, str)  # invoice id, template: « Écrire une sollicitation »

    def __init__(
        self,
        invoices: InvoiceService,
        tickets: TicketService,
        preferences: Settings,
        parent: QWidget | None = None,
        *,
        received: ReceivedService | None = None,
        open_paths: Callable[[list[Path]], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.invoices, self.tickets, self.preferences = invoices, tickets, preferences
        self.setObjectName("tab_rechercher")
        self.workers = WorkerPool()
        self.model = InvoiceTableModel(None, RESULT_COLUMNS, parent=self)  # views: refresh()
        self.filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self.filter_timer.timeout.connect(self.apply_criteria)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 8)
        self.sent_page = QWidget()
        self.sent_page.setObjectName("factures_emises")
        layout = QVBoxLayout(self.sent_page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.direction = QStackedWidget()
        self.direction.addWidget(self.sent_page)
        self.received_panel: ReceivedPanel | None = None
        if received is not None:
            self.received_panel = ReceivedPanel(received, self, open_paths=open_paths)
            self.received_panel.status_message.connect(self.status_message.emit)
            self.direction.addWidget(self.received_panel)
            outer.addLayout(self._build_direction_switch())
        outer.addWidget(self.direction, 1)
        layout.addLayout(self._build_search_bar())
        self.criteria_panel = self._build_criteria_panel()
        self.criteria_panel.setVisible(False)
        layout.addWidget(self.criteria_panel)

        self.stack = QStackedWidget()
        self.table = InvoiceTableView()
        self.table.setObjectName("resultats")
        self.table.setModel(self.model)
        self.table.setSelectionMode(InvoiceTableView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(5, Qt.SortOrder.DescendingOrder)  # date de dépôt
        header.blockSignals(False)
        self.table.size_columns(
            {0: 70, 2: 110, 3: 130, 4: 92, 5: 104, 6: 110, 7: 110, 8: 190}, stretch=1
        )
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty_state = EmptyState(
            "Aucune facture pour l'instant",
            "Dès que vous aurez déposé ou synchronisé des factures, vous les retrouverez ici "
            "par numéro, destinataire, période, montant ou état, et pourrez les exporter pour "
            "votre comptabilité.",
        )
        self.no_match = EmptyState(
            "Aucune facture ne correspond",
            "Modifiez la recherche ou les critères, ou cliquez sur « Réinitialiser ».",
        )
        for page in (self.table, self.empty_state, self.no_match):
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)
        layout.addLayout(self._build_actions())
        self.model.reloaded.connect(self._reloaded)  # the window loads it (MainWindow.load_data)

    # --- building -----------------------------------------------------------------------

    def _build_direction_switch(self) -> QHBoxLayout:
        """« Émises » (the invoices the user sent) or « Reçues » (its suppliers')."""
        row = QHBoxLayout()
        self.sent_button = QPushButton("É&mises")
        self.sent_button.setObjectName("voir_emises")
        self.received_button = QPushButton("Reç&ues")
        self.received_button.setObjectName("voir_recues")
        self.sent_button.setToolTip("Les factures que vous avez envoyées (Alt+M)")
        self.received_button.setToolTip(
            "Les factures de vos fournisseurs, reçues par votre plateforme agréée (Alt+U)"
        )
        for index, button in enumerate((self.sent_button, self.received_button)):
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.clicked.connect(lambda _=False, page=index: self.show_direction(page))
            row.addWidget(button)
        self.sent_button.setChecked(True)
        row.addStretch(1)
        return row

    def show_direction(self, page: int) -> None:
        """0: the invoices sent, 1: the invoices received."""
        if self.received_panel is None:
            return
        self.direction.setCurrentIndex(page)
        (self.sent_button, self.received_button)[page].setChecked(True)
        if page == 1:
            self.received_panel.refresh()
            self.received_panel.table.setFocus()

    def show_received(self) -> None:
        self.show_direction(1)

    def _build_search_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("recherche_rapide")
        self.search_edit.setPlaceholderText(
            "Rechercher un numéro, un destinataire, un SIRET, un engagement…"
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(lambda _text: self.filter_timer.start())
        bar.addWidget(self.search_edit, 1)
        self.criteria_button = QPushButton("Critères de recherche")
        self.criteria_button.setObjectName("criteres")
        self.criteria_button.setCheckable(True)
        self.criteria_button.toggled.connect(self._toggle_criteria)
        bar.addWidget(self.criteria_button)
        self.count_label = QLabel()
        self.count_label.setObjectName("nombre_resultats")
        self.count_label.setMinimumWidth(120)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar.addWidget(self.count_label)
        self.export_button = QPushButton("Exporter les résultats…")
        self.export_button.setObjectName("exporter_resultats")
        self.export_button.clicked.connect(self.export_results)
        bar.addWidget(self.export_button)
        return bar

    def _combo(self, name: str, items: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for text, value in items:
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(lambda _index: self.filter_timer.start())
        return combo

    def _date_edit(self, name: str) -> QDateEdit:
        edit = DateField()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText("—")
        edit.setDate(NO_DATE)
        edit.dateChanged.connect(lambda _value: self.filter_timer.start())
        return edit

    def _build_criteria_panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("panneau_criteres")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(panel)
        grid.setHorizontalSpacing(10)
        self.scope_combo = self._combo(
            "critere_destinataire",
            [
                ("Tous les destinataires", RecipientScope.ALL),
                ("L'État", RecipientScope.STATE),
                ("Hors État", RecipientScope.OTHERS),
            ],
        )
        self.type_combo = self._combo(
            "critere_type",
            [("Factures et avoirs", None), ("Factures", "FACTURE"), ("Avoirs", "AVOIR")],
        )
        self.recipient_combo = self._combo("critere_structure", [("Toutes les structures", None)])
        self.service_combo = self._combo("critere_service", [("Tous les services", None)])
        self.cadre_combo = self._combo(
            "critere_cadre",
            [("Tous les cadres", None)]
            + [(cadre.label, cadre.value) for cadre in SUBMITTABLE_CADRES],
        )
        statuses = sorted(
            [(info.label, code.value) for code, info in STATUS_INFO.items()]
            + [(label, code) for code, label in LOCAL_STATUS_LABELS.items()]
        )
        self.status_combo = self._combo(
            "critere_etat", [("Tous les états", None)] + [(t, v) for t, v in statuses]
        )
        self.period_combo = self._combo(
            "critere_periode", [("Date de facture", "issue"), ("Date de dépôt", "deposit")]
        )
        self.date_from = self._date_edit("critere_du")
        self.date_to = self._date_edit("critere_au")
        self.number_edit = QLineEdit()
        self.number_edit.setObjectName("critere_numero")
        self.number_edit.setPlaceholderText("Numéro de facture")
        self.number_edit.textChanged.connect(lambda _text: self.filter_timer.start())
        self.amount_min = MoneyEdit()
        self.amount_min.setObjectName("critere_montant_min")
        self.amount_max = MoneyEdit()
        self.amount_max.setObjectName("critere_montant_max")
        for edit in (self.amount_min, self.amount_max):
            edit.setPlaceholderText("—")
            edit.textChanged.connect(lambda _text: self.filter_timer.start())
        reset = QPushButton("Réinitialiser")
        reset.setObjectName("reinitialiser")
        reset.clicked.connect(self.reset_criteria)

        def row(label: str, *widgets: QWidget) -> QWidget:
            box = QWidget()
            line = QHBoxLayout(box)
            line.setContentsMargins(0, 0, 0, 0)
            caption = QLabel(label)
            caption.setBuddy(widgets[0])
            line.addWidget(caption)
            for widget in widgets:
                line.addWidget(widget, 1)
            return box

        grid.addWidget(row("Desti&nataire", self.scope_combo), 0, 0)
        grid.addWidget(row("Str&ucture", self.recipient_combo), 0, 1)
        grid.addWidget(row("Ser&vice", self.service_combo), 0, 2)
        grid.addWidget(row("T&ype", self.type_combo), 1, 0)
        grid.addWidget(row("Cadr&e", self.cadre_combo), 1, 1)
        grid.addWidget(row("État de &la facture", self.status_combo), 1, 2)
        period = row("&Période", self.period_combo)
        period.layout().addWidget(QLabel("du"))  # type: ignore[union-attr]
        period.layout().addWidget(self.date_from)  # type: ignore[union-attr]
        period.layout().addWidget(QLabel("au"))  # type: ignore[union-attr]
        period.layout().addWidget(self.date_to)  # type: ignore[union-attr]
        grid.addWidget(period, 2, 0, 1, 2)
        grid.addWidget(row("Numér&o", self.number_edit), 2, 2)
        amounts = row("&Montant TTC de", self.amount_min)
        amounts.layout().addWidget(QLabel("à"))  # type: ignore[union-attr]
        amounts.layout().addWidget(self.amount_max)  # type: ignore[union-attr]
        grid.addWidget(amounts, 3, 0, 1, 2)
        grid.addWidget(reset, 3, 2, alignment=Qt.AlignmentFlag.AlignRight)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        return panel

    def _build_actions(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.view_action = tab_action(
            self, "Visualiser", "visualiser", self.view_selected, "Ctrl+Shift+O"
        )
        self.download_action = tab_action(
            self, "Télécharger…", "telecharger", self.download_selected, "Ctrl+Shift+S"
        )
        self.duplicate_action = tab_action(
            self, "Dupliquer", "dupliquer", self.duplicate_selected, "Ctrl+D"
        )
        self.follow_action = tab_action(
            self, "Suivi du traitement", "suivi_traitement", self.follow_selected, "Ctrl+I"
        )
        self.action_buttons: list[QPushButton] = []
        for action in (
            self.view_action,
            self.download_action,
            self.duplicate_action,
            self.follow_action,
        ):
            button = QPushButton(action.text())
            button.setObjectName(f"bouton_{action.objectName()}")
            button.clicked.connect(action.trigger)
            button.setToolTip(action.shortcut().toString(QKeySequence.SequenceFormat.NativeText))
            self.action_buttons.append(button)
            bar.addWidget(button)
        self.ticket_button = ticket_button(
            self, self.tickets, self._single_selected_id, self.ticket_requested.emit
        )
        self.ticket_menu = self.ticket_button.menu()
        bar.addWidget(self.ticket_button)
        bar.addStretch(1)
        self._selection_changed()
        return bar

    # --- criteria -----------------------------------------------------------------------

    def _toggle_criteria(self, shown: bool) -> None:
        self.criteria_panel.setVisible(shown)
        if shown:
            self.scope_combo.setFocus()

    def criteria(self) -> Criteria:
        by_issue = self.period_combo.currentData() == "issue"
        start, end = _optional_date(self.date_from), _optional_date(self.date_to)
        status = self.status_combo.currentData()
        return Criteria(
            text=self.search_edit.text(),
            recipient_scope=self.scope_combo.currentData(),
            invoice_type=self.type_combo.currentData(),
            recipient_siret=self.recipient_combo.currentData(),
            code_service=self.service_combo.currentData(),
            cadre=self.cadre_combo.currentData(),
            issue_from=start if by_issue else None,
            issue_to=end if by_issue else None,
            deposit_from=None if by_issue else start,
            deposit_to=None if by_issue else end,
            statuses=(status,) if status else (),
            number=self.number_edit.text(),
            amount_min=self.amount_min.value() if self.amount_min.text().strip() else None,
            amount_max=self.amount_max.value() if self.amount_max.text().strip() else None,
        )

    def apply_criteria(self) -> None:
        self.filter_timer.stop()
        self.model.set_criteria(self.criteria())

    def reset_criteria(self) -> None:
        for combo in (
            self.scope_combo,
            self.type_combo,
            self.recipient_combo,
            self.service_combo,
            self.cadre_combo,
            self.status_combo,
            self.period_combo,
        ):
            combo.setCurrentIndex(0)
        for edit in (self.date_from, self.date_to):
            edit.setDate(NO_DATE)
        for line in (self.number_edit, self.amount_min, self.amount_max, self.search_edit):
            line.clear()
        self.apply_criteria()

    def _fill_choices(self) -> None:
        if self.model.views is None:  # not loaded yet
            return
        choices = self.model.views.choices()
        for combo, items in (
            (self.recipient_combo, [(name, siret) for siret, name in choices.recipients]),
            (self.service_combo, [(code, code) for code in choices.services]),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, value in items:
                combo.addItem(text, value)
            found = combo.findData(current)
            combo.setCurrentIndex(max(0, found))
            combo.blockSignals(False)

    def refresh(self) -> None:
        """After a sync, a deposit or an action: the same search, read again."""
        if self.received_panel is not None and self.direction.currentIndex() == 1:
            self.received_panel.refresh()
        self.model.views = self.invoices.views()
        self._fill_choices()
        self.model.set_criteria(self.criteria())

    def _reloaded(self) -> None:
        count = self.model.rowCount()
        self.count_label.setText(counted(count, "facture"))
        if count:
            self.stack.setCurrentWidget(self.table)
        elif self.criteria() == Criteria():
            self.stack.setCurrentWidget(self.empty_state)
        else:
            self.stack.setCurrentWidget(self.no_match)
        self.export_button.setEnabled(count > 0)
        self._selection_changed()

    # --- actions ------------------------------------------------------------------------

    def _selection_changed(self, *_args: object) -> None:
        if not hasattr(self, "table"):
            return
        selected = len(self.table.selectionModel().selectedRows())
        self.view_action.setEnabled(selected >= 1)
        self.download_action.setEnabled(selected >= 1)
        self.duplicate_action.setEnabled(selected == 1)
        self.follow_action.setEnabled(selected == 1)
        for button, action in zip(
            self.action_buttons,
            (self.view_action, self.download_action, self.duplicate_action, self.follow_action),
            strict=True,
        ):
            button.setEnabled(action.isEnabled())
        self.ticket_button.setEnabled(selected == 1)

    def _single_selected_id(self) -> int | None:
        ids = self.table.selected_ids()
        return ids[0] if len(ids) == 1 else None

    def _double_clicked(self, index: QModelIndex) -> None:
        self.follow_requested.emit(self.model.invoice_id(index.row()))

    def _context_menu(self, position: QPoint) -> None:
        if not self.table.indexAt(position).isValid():
            return
        menu = QMenu(self)
        for action in (
            self.view_action,
            self.download_action,
            self.duplicate_action,
            self.follow_action,
        ):
            menu.addAction(action)
        if self.ticket_button.isEnabled():
            menu.addSeparator()
            menu.addMenu(self.ticket_menu)
        menu.exec(self.table.viewport().mapToGlobal(position))

    def selected_rows(self) -> list[InvoiceRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [row for row in (self.model.row_of(number) for number in rows) if row is not None]

    def view_selected(self) -> None:
        ids = self.table.selected_ids()
        if ids:
            self.view_requested.emit(ids[:5])

    def follow_selected(self) -> None:
        ids = self.table.selected_ids()
        if len(ids) == 1:
            self.follow_requested.emit(ids[0])

    def duplicate_selected(self) -> None:
        ids = self.table.selected_ids()
        if len(ids) == 1:
            self.duplicate_requested.emit(ids[0])

    def download_selected(self) -> Worker | None:
        rows = self.selected_rows()
        if not rows:
            return None
        suggested = file_name_for(rows[0].number, "pdf") if len(rows) == 1 else "factures.zip"
        target = file_dialogs.save_file(
            self,
            "Télécharger",
            suggested,
            "PDF (*.pdf)" if len(rows) == 1 else "Archive ZIP (*.zip)",
            "factures",
        )
        if not target:
            return None
        return self.download_to([row.id for row in rows], Path(target))

    def download_to(self, ids: list[int], target: Path) -> Worker:
        self.status_message.emit("Téléchargement…")
        worker = Worker(lambda _p: self.invoices.download(ids, target))
        worker.signals.succeeded.connect(
            lambda path: self.status_message.emit(f"Enregistré : {path}")
        )
        worker.signals.failed.connect(self._failed)
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def export_results(self) -> Worker | None:
        target = file_dialogs.save_file(
            self, "Exporter les résultats", "factures.csv", "CSV (*.csv)", "exports"
        )
        if not target:
            return None
        return self.export_to(Path(target))

    def export_to(self, target: Path) -> Worker:
        ids = self.model.ids()
        self.status_message.emit(f"Export de {counted(len(ids), 'facture')}…")
        self.export_button.setEnabled(False)
        worker = Worker(lambda _p: self.invoices.export(ids, target))
        worker.signals.succeeded.connect(
            lambda path: self.status_message.emit(
                f"{counted(len(ids), 'facture exportée')} : {path}"
            )
        )
        worker.signals.failed.connect(self._failed)
        worker.signals.done.connect(lambda: self.export_button.setEnabled(True))
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _failed(self, error: object) -> None:
        self.status_message.emit(error_text(error))
