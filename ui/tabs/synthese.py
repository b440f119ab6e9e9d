"""Synthèse: the invoices that need something from the user, each with its action."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.deposit.service import DepositService
from app.directory.service import DirectoryService
from app.errors import BordereauError
from app.files import file_name_for
from app.invoices.rows import Criteria, InvoiceRow, SortKey, WorkCategory
from app.invoices.service import InvoiceService
from app.receiving.service import ReceivedService
from app.settings import Settings
from app.tickets.service import TicketService
from ui import file_dialogs
from ui.actions import tab_action, ticket_button
from ui.widgets.empty_state import EmptyState
from ui.widgets.invoice_table import (
    COLUMNS,
    ActionDelegate,
    InvoiceTableModel,
    InvoiceTableView,
)
from ui.workers import Worker, WorkerPool, error_text

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # the actions (the outbox, the Chorus Pro client) load at the first use
    from app.invoices.actions import RecycleChange
    from ui.dialogs.recycle_dialog import RecycleDialog

WORK_COLUMNS = [
    COLUMNS[key]
    for key in (
        "deposit_date",
        "recipient",
        "number",
        "status",
        "status_at",
        "total_ttc",
        "engagement",
    )
]
PRIMARY_ACTIONS = {
    WorkCategory.DRAFT: "Reprendre",
    WorkCategory.WAITING: "Réessayer l'envoi",
    WorkCategory.RECYCLE: "Recycler…",
    WorkCategory.SUSPENDED: "Compléter…",
    WorkCategory.REJECTED: "Traiter le rejet…",
}


def primary_action(row: InvoiceRow) -> str:
    category = row.category
    if row.channel == "pa" and category in (WorkCategory.REJECTED, WorkCategory.SUSPENDED):
        return "Que faire ?…"  # the PA's statuses are answered outside Chorus Pro's actions
    return PRIMARY_ACTIONS[category] if category else ""


class SyntheseTab(QWidget):
    deposit_requested = Signal()
    draft_requested = Signal(int, bool)  # draft id, send it at once
    # What an action came to, for the window's message bar: text, kind (success, error…),
    # and no next step from here.
    outcome_reported = Signal(str, str)
    follow_requested = Signal(int)
    retry_requested = Signal()
    invoices_changed = Signal()
    status_message = Signal(str)
    ticket_requested = Signal(int, str)  # invoice id, template: « Écrire une sollicitation »
    received_requested = Signal()  # « Voir les factures reçues »

    def __init__(
        self,
        invoices: InvoiceService,
        deposit: DepositService,
        directory: DirectoryService,
        tickets: TicketService,
        preferences: Settings,
        parent: QWidget | None = None,
        *,
        received: ReceivedService | None = None,
    ) -> None:
        super().__init__(parent)
        self.received = received
        self.invoices, self.deposit, self.directory = invoices, deposit, directory
        self.tickets, self.preferences = tickets, preferences
        self.setObjectName("tab_synthese")
        self.workers = WorkerPool()
        self.busy = False
        self.recycle_dialog: RecycleDialog | None = None
        self.model = InvoiceTableModel(
            None,  # the views come with the database: refresh()
            WORK_COLUMNS,
            action_header="Action",
            action_text=primary_action,
            parent=self,
        )
        self.model.sort_key = SortKey.STATUS_AT
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(self._build_received_banner())
        layout.addLayout(self._build_categories())
        layout.addLayout(self._build_filters())

        self.stack = QStackedWidget()
        self.table = InvoiceTableView()
        self.table.setObjectName("liste_a_traiter")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(4, Qt.SortOrder.DescendingOrder)  # date de l'état
        header.blockSignals(False)
        self.table.size_columns({0: 104, 2: 130, 3: 170, 4: 104, 5: 120, 6: 130, 7: 150}, 1)
        self.delegate = ActionDelegate(self.table)
        self.table.setItemDelegateForColumn(len(WORK_COLUMNS), self.delegate)
        self.delegate.clicked.connect(self._action_clicked)
        self.table.activated.connect(self._double_clicked)  # Enter, or a double click
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty_state = EmptyState(
            "Rien à traiter pour l'instant",
            "Ici s'afficheront les factures qui attendent quelque chose de vous : brouillons, "
            "factures en attente d'envoi, à recycler, suspendues ou rejetées — chacune avec "
            "l'action à faire.",
            action_text="Déposer une facture",
        )
        assert self.empty_state.action_button is not None
        self.empty_state.action_button.clicked.connect(self.deposit_requested)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_state)
        layout.addWidget(self.stack, 1)
        layout.addLayout(self._build_actions())
        self.model.reloaded.connect(self._reloaded)  # the window loads it (MainWindow.load_data)

    # --- building -----------------------------------------------------------------------

    def _build_received_banner(self) -> QFrame:
        """What the suppliers' invoices wait for: an answer, a payment, a look at an alert."""
        self.received_banner = QFrame()
        self.received_banner.setObjectName("bandeau_recues")
        self.received_banner.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self.received_banner)
        row.setContentsMargins(8, 4, 8, 4)
        self.received_label = QLabel()
        self.received_label.setObjectName("resume_recues_synthese")
        self.received_label.setWordWrap(True)
        row.addWidget(self.received_label, 1)
        show = QPushButton("Voir les factures reç&ues")
        show.setObjectName("voir_factures_recues")
        show.clicked.connect(self.received_requested.emit)
        row.addWidget(show)
        self.received_banner.setVisible(False)
        return self.received_banner

    def _update_received(self) -> None:
        if self.received is None:
            return
        try:
            counts = self.received.counts()
        except Exception:  # the database is away: the banner waits for the next refresh
            log.debug("Factures reçues non comptées", exc_info=True)
            return
        waiting = counts["a_traiter"] + counts["a_payer"] + counts["alertes"]
        self.received_banner.setVisible(waiting > 0)
        parts = []
        if counts["a_traiter"]:
            parts.append(f"{counts['a_traiter']} à approuver ou refuser")
        if counts["a_payer"]:
            parts.append(f"{counts['a_payer']} à payer")
        said = "Factures de vos fournisseurs : " + ", ".join(parts or ["rien à faire"])
        if counts["alertes"]:
            said += f" — ⚠ {counts['alertes']} alerte(s) (doublon, coordonnées bancaires changées)"
        self.received_label.setText(said)

    def _build_categories(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        title = QLabel("À traiter")
        title.setObjectName("titre_synthese")
        bar.addWidget(title)
        self.category_buttons: dict[WorkCategory, QPushButton] = {}
        for category in WorkCategory:
            button = QPushButton(category.label)
            button.setObjectName(f"categorie_{category.value}")
            button.setProperty("chip", True)
            button.setCheckable(True)
            button.setChecked(True)
            button.toggled.connect(lambda _checked: self.apply_criteria())
            self.category_buttons[category] = button
            bar.addWidget(button)
        bar.addStretch(1)
        return bar

    def _build_filters(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        label = QLabel("Str&ucture :")
        self.structure_combo = QComboBox()
        self.structure_combo.setObjectName("filtre_structure")
        self.structure_combo.setMinimumWidth(280)
        self.structure_combo.addItem("Toutes les structures", None)
        self.structure_combo.currentIndexChanged.connect(lambda _i: self.apply_criteria())
        label.setBuddy(self.structure_combo)
        bar.addWidget(label)
        bar.addWidget(self.structure_combo)
        days = self.preferences.hide_rejected_after_days
        self.hide_rejected = QCheckBox(
            f"&Masquer les factures rejetées depuis plus de {days} jours"
        )
        self.hide_rejected.setObjectName("masquer_rejetees")
        self.hide_rejected.setChecked(True)
        self.hide_rejected.toggled.connect(lambda _c: self.apply_criteria())
        bar.addSpacing(16)
        bar.addWidget(self.hide_rejected)
        bar.addStretch(1)
        return bar

    def _build_actions(self) -> QHBoxLayout:
        self.actions_by_name = {
            "reprendre": tab_action(self, "Reprendre", "reprendre", self.open_selected_draft),
            "envoyer": tab_action(self, "Envoyer…", "envoyer", self.send_selected_draft),
            "supprimer": tab_action(
                self, "Supprimer…", "supprimer", self.delete_selected_draft, "Delete"
            ),
            "reessayer": tab_action(
                self, "Réessayer l'envoi", "reessayer", self.retry_requested.emit
            ),
            "recycler": tab_action(self, "Recycler…", "recycler", self.recycle_selected),
            "completer": tab_action(self, "Compléter…", "completer", self.complete_selected),
            "traiter_rejet": tab_action(
                self, "Traiter le rejet…", "traiter_rejet", self.treat_rejection_selected
            ),
            "telecharger": tab_action(
                self, "Télécharger…", "telecharger_synthese", self.download_selected, "Ctrl+Shift+S"
            ),
            "suivi": tab_action(
                self, "Suivi du traitement", "suivi_synthese", self.follow_selected, "Ctrl+I"
            ),
        }
        bar = QHBoxLayout()
        self.actions_hint = QLabel("Sélectionnez une facture : ses actions s'affichent ici.")
        self.actions_hint.setObjectName("synthese_actions_aide")
        self.actions_hint.setProperty("role", "hint")
        bar.addWidget(self.actions_hint)
        self.action_buttons: dict[str, QPushButton] = {}
        for name, action in self.actions_by_name.items():
            button = QPushButton(action.text())
            button.setObjectName(f"bouton_{name}")
            button.clicked.connect(action.trigger)
            self.action_buttons[name] = button
            bar.addWidget(button)
        self.ticket_button = ticket_button(
            self, self.tickets, self._current_id, self.ticket_requested.emit
        )
        self.ticket_menu = self.ticket_button.menu()
        bar.addWidget(self.ticket_button)
        bar.addStretch(1)
        self._selection_changed()
        return bar

    # --- data ---------------------------------------------------------------------------

    def criteria(self) -> Criteria:
        days = self.preferences.hide_rejected_after_days
        return Criteria(
            recipient_siret=self.structure_combo.currentData(),
            work=tuple(c for c, button in self.category_buttons.items() if button.isChecked()),
            hide_rejected_before=(
                datetime.now(UTC) - timedelta(days=days) if self.hide_rejected.isChecked() else None
            ),
        )

    def apply_criteria(self) -> None:
        criteria = self.criteria()
        if not criteria.work:  # nothing chosen: show nothing rather than everything
            criteria = Criteria(recipient_siret=criteria.recipient_siret, statuses=("—",))
        self.model.set_criteria(criteria)
        self._update_counts()

    def refresh(self) -> None:
        self._update_received()
        self.model.views = self.invoices.views()
        choices = self.model.views.choices()
        current = self.structure_combo.currentData()
        self.structure_combo.blockSignals(True)
        while self.structure_combo.count() > 1:
            self.structure_combo.removeItem(1)
        for siret, name in choices.recipients:
            self.structure_combo.addItem(name, siret)
        self.structure_combo.setCurrentIndex(max(0, self.structure_combo.findData(current)))
        self.structure_combo.blockSignals(False)
        self.apply_criteria()

    def _update_counts(self) -> None:
        views = self.model.views
        if views is None:  # not loaded yet
            return
        counts = views.work_counts(
            Criteria(
                recipient_siret=self.structure_combo.currentData(),
                work=tuple(WorkCategory),
                hide_rejected_before=self.criteria().hide_rejected_before,
            )
        )
        for category, button in self.category_buttons.items():
            button.setText(f"{category.label} · {counts[category]}")
        self.total_waiting = sum(counts.values())

    def _reloaded(self) -> None:
        everything_hidden = self.model.rowCount() == 0 and (
            self.criteria().work == tuple(WorkCategory)
            and self.structure_combo.currentData() is None
        )
        self.stack.setCurrentWidget(self.empty_state if everything_hidden else self.table)
        self._selection_changed()

    # --- selection and actions ----------------------------------------------------------

    def current_row(self) -> InvoiceRow | None:
        return self.table.current_row()

    def _current_id(self) -> int | None:
        row = self.current_row()
        return row.id if row else None

    def _selection_changed(self, *_args: object) -> None:
        if not hasattr(self, "table"):
            return
        row = self.current_row()
        category = row.category if row else None
        allowed = {
            "reprendre": category is WorkCategory.DRAFT,
            "envoyer": category is WorkCategory.DRAFT,
            "supprimer": category is WorkCategory.DRAFT,
            "reessayer": category is WorkCategory.WAITING,
            "recycler": category is WorkCategory.RECYCLE,
            "completer": category is WorkCategory.SUSPENDED
            and row is not None
            and row.channel != "pa",
            "traiter_rejet": category is WorkCategory.REJECTED,
            "telecharger": row is not None and (row.has_file or row.chorus_invoice_id is not None),
            "suivi": row is not None and row.chorus_invoice_id is not None,
        }
        for name, action in self.actions_by_name.items():
            enabled = allowed[name] and not self.busy
            action.setEnabled(enabled)
            button = self.action_buttons[name]
            button.setEnabled(enabled)
            # Only what applies to the selected invoice is shown: the bar fits a small screen.
            button.setVisible(allowed[name])
        self.ticket_button.setVisible(row is not None)
        self.ticket_button.setEnabled(row is not None)
        self.actions_hint.setVisible(row is None)

    def _action_clicked(self, index: QModelIndex) -> None:
        self.table.selectRow(index.row())
        self.run_primary_action()

    def _double_clicked(self, index: QModelIndex) -> None:
        self.run_primary_action()

    def run_primary_action(self) -> None:
        row = self.current_row()
        if row is None or row.category is None:
            return
        if primary_action(row) == "Que faire ?…":
            self.explain_platform_status(row)
            return
        {
            WorkCategory.DRAFT: self.open_selected_draft,
            WorkCategory.WAITING: self.retry_requested.emit,
            WorkCategory.RECYCLE: self.recycle_selected,
            WorkCategory.SUSPENDED: self.complete_selected,
            WorkCategory.REJECTED: self.treat_rejection_selected,
        }[row.category]()

    def _context_menu(self, position: QPoint) -> None:
        if not self.table.indexAt(position).isValid():
            return
        menu = QMenu(self)
        for action in self.actions_by_name.values():
            if action.isEnabled():
                menu.addAction(action)
        menu.addSeparator()
        menu.addMenu(self.ticket_menu)
        menu.exec(self.table.viewport().mapToGlobal(position))

    def open_selected_draft(self) -> None:
        row = self.current_row()
        if row is not None and row.category is WorkCategory.DRAFT:
            self.draft_requested.emit(row.id, False)

    def send_selected_draft(self) -> None:
        row = self.current_row()
        if row is not None and row.category is WorkCategory.DRAFT:
            self.draft_requested.emit(row.id, True)

    def delete_selected_draft(self) -> None:
        row = self.current_row()
        if row is None or row.category is not WorkCategory.DRAFT:
            return
        self.question = self._question(
            "Supprimer le brouillon",
            f"Supprimer le brouillon {row.number or '(sans numéro)'} ? Il n'a pas été envoyé ; "
            "ce que vous aviez saisi sera perdu.",
            "Supprimer",
            lambda: self._delete_draft(row.id),
            destructive=True,
        )

    def _delete_draft(self, invoice_id: int) -> None:
        self.deposit.delete_draft(invoice_id)
        self.status_message.emit("Brouillon supprimé.")
        self.invoices_changed.emit()

    def _question(
        self,
        title: str,
        text: str,
        accept_text: str,
        on_accept: object,
        *,
        destructive: bool = False,
    ) -> QMessageBox:
        """Asked without blocking; Enter takes the action, or « Annuler » when the action
        cannot be undone."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        role = (
            QMessageBox.ButtonRole.DestructiveRole
            if destructive
            else QMessageBox.ButtonRole.AcceptRole
        )
        accept = box.addButton(accept_text, role)
        cancel = box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel if destructive else accept)
        box.setEscapeButton(cancel)
        box.setObjectName("question")
        accept.clicked.connect(on_accept)
        box.open()
        return box

    def recycle_selected(self) -> None:
        row = self.current_row()
        if row is None or row.category is not WorkCategory.RECYCLE:
            return
        from ui.dialogs.recycle_dialog import RecycleDialog

        self.recycle_dialog = RecycleDialog(self.invoices, self.directory, row, self)
        self.recycle_dialog.recycle_requested.connect(self.recycle)
        self.recycle_dialog.open()

    def recycle(self, invoice_id: int, change: RecycleChange) -> Worker:
        """In the background; the dialog stays open until the answer, and shows a refusal."""
        dialog = self.recycle_dialog
        worker = self._run(
            "Recyclage de la facture…",
            lambda: self.invoices.recycle(invoice_id, change),
            lambda _status: "Facture recyclée : elle repart vers le destinataire.",
            report_failure=dialog is None,
        )
        if dialog is not None:
            worker.signals.succeeded.connect(lambda _status: dialog.recycle_succeeded())
            worker.signals.failed.connect(dialog.recycle_failed)
        return worker

    def complete_selected(self) -> None:
        from ui.dialogs.complete_dialog import CompleteDialog

        row = self.current_row()
        if row is None or row.category is not WorkCategory.SUSPENDED:
            return
        self.complete_dialog = CompleteDialog(row, self)
        self.complete_dialog.complete_requested.connect(self.complete)
        self.complete_dialog.open()

    def complete(self, invoice_id: int, files: list[Path], comment: str) -> Worker:
        return self._run(
            "Envoi des compléments…",
            lambda: self.invoices.complete(invoice_id, files, comment),
            lambda _status: "Facture complétée : le délai de paiement repart.",
        )

    def explain_platform_status(self, row: InvoiceRow) -> QMessageBox:
        """A Plateforme Agréée's refusal, dispute or suspension: what it says, what to do."""
        from app.domain.lifecycle import lifecycle_of

        status = lifecycle_of(row.status)
        when = row.status_at.astimezone().strftime("%d/%m/%Y") if row.status_at else "—"
        reason = row.status_comment or "sans motif donné"
        text = (
            f"La facture {row.number} est « {row.status_label} » depuis le {when} "
            f"(plateforme agréée).\n\nMotif : {reason}\n\n{status.next_step if status else ''}"
        )
        if row.category is WorkCategory.REJECTED:
            text += (
                "\n\nL'avoir et la nouvelle facture se font dans Fichier › Factures écrites "
                "(« Créer un avoir… »). Marquer la facture comme traitée la retire de la "
                "Synthèse."
            )
            self.question = self._question(
                "Facture refusée", text, "Marquer comme traitée", self._seen_selected
            )
        else:
            self.question = QMessageBox(
                QMessageBox.Icon.Information, "Que faire ?", text, parent=self
            )
            self.question.setObjectName("question")
            self.question.open()
        return self.question

    def _seen_selected(self) -> None:
        row = self.current_row()
        if row is None:
            return
        self.invoices.acknowledge_rejection(row.id)
        self.refresh()

    def treat_rejection_selected(self) -> None:
        row = self.current_row()
        if row is None or row.category is not WorkCategory.REJECTED:
            return
        if row.channel == "pa":
            self.explain_platform_status(row)
            return
        when = row.status_at.astimezone().strftime("%d/%m/%Y") if row.status_at else "—"
        reason = row.status_comment or "le destinataire n'a pas donné de motif"
        self.question = self._question(
            "Traiter le rejet",
            f"La facture {row.number} a été rejetée le {when}.\n\nMotif : {reason}\n\n"
            "Traiter le rejet indique à Chorus Pro que vous en avez pris connaissance ; la "
            "facture quittera la Synthèse. Une facture rejetée ne peut pas être corrigée : "
            "vous pourrez ensuite en créer une nouvelle, avec un nouveau numéro.",
            "Traiter le rejet",
            lambda: self.acknowledge(row.id),
        )

    def acknowledge(self, invoice_id: int) -> Worker:
        worker = self._run(
            "Traitement du rejet…",
            lambda: self.invoices.acknowledge_rejection(invoice_id),
            lambda _result: "Rejet traité.",
        )
        worker.signals.succeeded.connect(lambda _r: self._offer_new_invoice(invoice_id))
        return worker

    def _offer_new_invoice(self, invoice_id: int) -> None:
        self.question = self._question(
            "Créer une nouvelle facture",
            "Préparer une nouvelle facture reprenant celle-ci (destinataire, références, "
            "montants), avec un nouveau numéro ? Elle s'ouvrira dans Déposer ; vous pourrez "
            "la corriger avant de l'envoyer.",
            "Créer une nouvelle facture",
            lambda: self.create_replacement(invoice_id),
        )

    def create_replacement(self, invoice_id: int) -> int | None:
        try:
            draft_id = self.invoices.replacement_draft(invoice_id)
        except BordereauError as exc:
            self.status_message.emit(exc.message)
            return None
        self.invoices_changed.emit()
        self.draft_requested.emit(draft_id, False)
        return draft_id

    def download_selected(self) -> Worker | None:
        row = self.current_row()
        if row is None:
            return None
        target = file_dialogs.save_file(
            self, "Télécharger", file_name_for(row.number, "pdf"), "PDF (*.pdf)", "factures"
        )
        if not target:
            return None
        return self._run(
            "Téléchargement…",
            lambda: self.invoices.download([row.id], Path(target)),
            lambda path: f"Enregistré : {path}",
            changes=False,
        )

    def follow_selected(self) -> None:
        row = self.current_row()
        if row is not None:
            self.follow_requested.emit(row.id)

    def _run(
        self,
        doing: str,
        work: object,
        done: object,
        *,
        changes: bool = True,
        report_failure: bool = True,
    ) -> Worker:
        """An action in the background: the list stays usable, its buttons wait.
        ``report_failure``: show a refusal in a message box (else the caller shows it)."""
        assert callable(work) and callable(done)
        self.busy = True
        self._selection_changed()
        self.status_message.emit(doing)
        worker = Worker(lambda _progress: work())
        worker.signals.succeeded.connect(lambda result: self._succeeded(done(result)))
        if report_failure:
            worker.signals.failed.connect(self._failed)
        worker.signals.done.connect(lambda: self._action_done(changes))
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _action_done(self, changes: bool) -> None:
        self.busy = False
        if changes:
            self.invoices_changed.emit()
        self._selection_changed()

    def _succeeded(self, text: str) -> None:
        self.status_message.emit(text)
        self.outcome_reported.emit(text, "success")

    def _failed(self, error: object) -> None:
        message = error_text(error)
        self.last_error = message
        box = QMessageBox(QMessageBox.Icon.Warning, "Action impossible", message, parent=self)
        box.setObjectName("erreur_action")
        box.open()
        self.error_box = box
